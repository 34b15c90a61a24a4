-- Audit chains in parallel lanes (decision 0018): each retention class's chain becomes AUDIT_LANES
-- hash-linked lanes, so concurrent writers take a free lane instead of queueing on one head row.
-- Existing events, heads and checkpoints become lane 0, whose hashes never covered a lane.
ALTER TABLE "audit_chain_heads" ADD COLUMN "lane" smallint DEFAULT 0 NOT NULL;--> statement-breakpoint
ALTER TABLE "audit_checkpoints" ADD COLUMN "lane" smallint DEFAULT 0 NOT NULL;--> statement-breakpoint
ALTER TABLE "audit_events" ADD COLUMN "lane" smallint DEFAULT 0 NOT NULL;--> statement-breakpoint
ALTER TABLE "audit_chain_heads" DROP CONSTRAINT "audit_chain_heads_pkey";--> statement-breakpoint
ALTER TABLE "audit_chain_heads" ADD CONSTRAINT "audit_chain_heads_chain_lane_pk" PRIMARY KEY("chain","lane");--> statement-breakpoint
DROP INDEX "audit_events_chain_sequence_key";--> statement-breakpoint
CREATE UNIQUE INDEX "audit_events_chain_lane_sequence_key" ON "audit_events" USING btree ("chain","lane","sequence");--> statement-breakpoint
DROP INDEX "audit_checkpoints_chain_idx";--> statement-breakpoint
CREATE INDEX "audit_checkpoints_chain_idx" ON "audit_checkpoints" USING btree ("chain","lane","sequence");--> statement-breakpoint
-- Lanes 1–15 of every class start empty at the genesis hash (AUDIT_LANES in src/domain/audit-chain.ts).
INSERT INTO audit_chain_heads (chain, lane, sequence, hash)
  SELECT heads.chain, lanes.lane, 0, repeat('0', 64)
  FROM (SELECT DISTINCT chain FROM audit_chain_heads) heads CROSS JOIN generate_series(1, 15) AS lanes(lane);
