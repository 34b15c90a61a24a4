CREATE TABLE "imported_requests" (
	"source" text NOT NULL,
	"external_id" text NOT NULL,
	"request_id" uuid NOT NULL,
	"imported_by" uuid,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	CONSTRAINT "imported_requests_source_external_id_pk" PRIMARY KEY("source","external_id")
);
--> statement-breakpoint
ALTER TABLE "users" ADD COLUMN "imported_email_index" text;--> statement-breakpoint
ALTER TABLE "imported_requests" ADD CONSTRAINT "imported_requests_request_id_feature_requests_id_fk" FOREIGN KEY ("request_id") REFERENCES "public"."feature_requests"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "imported_requests" ADD CONSTRAINT "imported_requests_imported_by_users_id_fk" FOREIGN KEY ("imported_by") REFERENCES "public"."users"("id") ON DELETE set null ON UPDATE no action;--> statement-breakpoint
CREATE INDEX "imported_requests_request_idx" ON "imported_requests" USING btree ("request_id");--> statement-breakpoint
CREATE UNIQUE INDEX "users_imported_email_index_key" ON "users" USING btree ("imported_email_index") WHERE "users"."imported_email_index" is not null;