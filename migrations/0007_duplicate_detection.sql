CREATE TABLE "duplicate_candidates" (
	"request_id" uuid NOT NULL,
	"candidate_id" uuid NOT NULL,
	"score" double precision NOT NULL,
	"reasons" jsonb NOT NULL,
	"rank" integer NOT NULL,
	"likely" boolean NOT NULL,
	"model" text NOT NULL,
	"detected_at" timestamp with time zone NOT NULL,
	"dismissed_at" timestamp with time zone,
	"dismissed_by" uuid,
	CONSTRAINT "duplicate_candidates_request_id_candidate_id_pk" PRIMARY KEY("request_id","candidate_id")
);
--> statement-breakpoint
CREATE TABLE "request_embeddings" (
	"request_id" uuid PRIMARY KEY NOT NULL,
	"model" text NOT NULL,
	"content_hash" text NOT NULL,
	"embedding" "bytea",
	"neighbourhood" jsonb NOT NULL,
	"indexed_at" timestamp with time zone NOT NULL
);
--> statement-breakpoint
CREATE TABLE "request_term_frequencies" (
	"term" text PRIMARY KEY NOT NULL,
	"requests" integer NOT NULL
);
--> statement-breakpoint
CREATE TABLE "request_terms" (
	"term" text NOT NULL,
	"request_id" uuid NOT NULL,
	CONSTRAINT "request_terms_term_request_id_pk" PRIMARY KEY("term","request_id")
);
--> statement-breakpoint
ALTER TABLE "users" ADD COLUMN "ai_analysis_consent" boolean DEFAULT true NOT NULL;--> statement-breakpoint
ALTER TABLE "duplicate_candidates" ADD CONSTRAINT "duplicate_candidates_request_id_feature_requests_id_fk" FOREIGN KEY ("request_id") REFERENCES "public"."feature_requests"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "duplicate_candidates" ADD CONSTRAINT "duplicate_candidates_candidate_id_feature_requests_id_fk" FOREIGN KEY ("candidate_id") REFERENCES "public"."feature_requests"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "duplicate_candidates" ADD CONSTRAINT "duplicate_candidates_dismissed_by_users_id_fk" FOREIGN KEY ("dismissed_by") REFERENCES "public"."users"("id") ON DELETE set null ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "request_embeddings" ADD CONSTRAINT "request_embeddings_request_id_feature_requests_id_fk" FOREIGN KEY ("request_id") REFERENCES "public"."feature_requests"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "request_terms" ADD CONSTRAINT "request_terms_request_id_feature_requests_id_fk" FOREIGN KEY ("request_id") REFERENCES "public"."feature_requests"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
CREATE INDEX "duplicate_candidates_candidate_idx" ON "duplicate_candidates" USING btree ("candidate_id");--> statement-breakpoint
CREATE INDEX "request_terms_request_idx" ON "request_terms" USING btree ("request_id");