ALTER TABLE "users" ADD COLUMN "member_key_version" integer;--> statement-breakpoint
CREATE INDEX "users_member_key_version_idx" ON "users" USING btree ("member_key_version");