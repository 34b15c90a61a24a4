-- Idempotency-Key (docs/decisions/0019-database-faults.md): the first response to a change, stored
-- per caller and key for 24 h so that a client's retry is answered with it instead of a second change.
-- In the database, so every API replica sees the same keys.
CREATE TABLE "idempotency_keys" (
	"caller" text NOT NULL,
	"key" text NOT NULL,
	"method" text NOT NULL,
	"path" text NOT NULL,
	"body_hash" text NOT NULL,
	"response_status" integer,
	"response_headers" jsonb,
	"response_body" text,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	"expires_at" timestamp with time zone NOT NULL,
	CONSTRAINT "idempotency_keys_caller_key_pk" PRIMARY KEY("caller","key")
);
--> statement-breakpoint
CREATE INDEX "idempotency_keys_expires_at_idx" ON "idempotency_keys" USING btree ("expires_at");
--> statement-breakpoint
-- One row that /ready rewrites (at most every few seconds per replica): readiness means "writes
-- succeed", which a read cannot tell on a full disk or a read-only (demoted) database.
CREATE TABLE "write_heartbeat" (
	"id" smallint PRIMARY KEY NOT NULL,
	"beat_at" timestamp with time zone NOT NULL
);
