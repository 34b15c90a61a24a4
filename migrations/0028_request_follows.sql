CREATE TABLE "request_follows" (
	"request_id" uuid NOT NULL,
	"user_id" uuid NOT NULL,
	"following" boolean DEFAULT true NOT NULL,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	"updated_at" timestamp with time zone DEFAULT now() NOT NULL,
	CONSTRAINT "request_follows_request_id_user_id_pk" PRIMARY KEY("request_id","user_id")
);
--> statement-breakpoint
ALTER TABLE "request_follows" ADD CONSTRAINT "request_follows_request_id_feature_requests_id_fk" FOREIGN KEY ("request_id") REFERENCES "public"."feature_requests"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "request_follows" ADD CONSTRAINT "request_follows_user_id_users_id_fk" FOREIGN KEY ("user_id") REFERENCES "public"."users"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
CREATE INDEX "request_follows_user_idx" ON "request_follows" USING btree ("user_id");--> statement-breakpoint
-- Those told before follows existed keep being told: authors, voters and commenters follow.
INSERT INTO "request_follows" ("request_id", "user_id", "created_at", "updated_at")
SELECT "id", "author_id", "created_at", "created_at" FROM "feature_requests" WHERE "author_id" IS NOT NULL
UNION SELECT "request_id", "user_id", "created_at", "created_at" FROM "votes"
UNION SELECT "request_id", "author_id", "created_at", "created_at" FROM "comments" WHERE "author_id" IS NOT NULL
ON CONFLICT DO NOTHING;
