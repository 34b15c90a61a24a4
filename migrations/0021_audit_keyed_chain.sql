CREATE TABLE "audit_keyed_chain_starts" (
	"chain" text NOT NULL,
	"lane" smallint NOT NULL,
	"sequence" bigint NOT NULL,
	"unkeyed_checkpoint_id" bigint NOT NULL,
	CONSTRAINT "audit_keyed_chain_starts_chain_lane_pk" PRIMARY KEY("chain","lane")
);
--> statement-breakpoint
-- Keyed audit chain (decision 0028). Each lane's events so far were hashed with plain SHA-256; from
-- the next one on, with HMAC-SHA256 under a key derived from the master key. Checkpoints so far were
-- signed without their kind; from now on the kind is signed too (an anchor relabelled as a purge
-- checkpoint would move where verification starts). Both boundaries are fixed here, once, at each
-- lane's state now (0 on a new database: every event and checkpoint in the new form).
INSERT INTO audit_keyed_chain_starts (chain, lane, sequence, unkeyed_checkpoint_id)
  SELECT h.chain, h.lane, h.sequence, coalesce((SELECT max(c.id) FROM audit_checkpoints c WHERE c.chain = h.chain AND c.lane = h.lane), 0)
  FROM audit_chain_heads h;
--> statement-breakpoint
-- The append-only guard no longer trusts a session setting (any session could SET it): a DELETE of
-- an audit event is let through only when a purge checkpoint covers it (same lane, at or after its
-- sequence) and the event had outlived its class's retention when that checkpoint was taken (a
-- day's slack for calendar arithmetic). Forging such a checkpoint needs AUDIT_SIGNING_KEY, or
-- `audit verify` reports it. UPDATE and TRUNCATE stay refused outright; so does any change to the
-- keyed-chain starts.
CREATE OR REPLACE FUNCTION refuse_evidence_change() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  -- Nested: OLD's fields are only looked at for audit_events (the function guards other tables too).
  IF TG_OP = 'DELETE' AND TG_TABLE_NAME = 'audit_events' THEN
    IF EXISTS (
      SELECT 1 FROM audit_checkpoints c
      WHERE c.kind = 'purge' AND c.chain = OLD.chain AND c.lane = OLD.lane AND c.sequence >= OLD.sequence
        AND OLD.created_at < c.created_at + interval '1 day' - make_interval(years => CASE OLD.chain WHEN '1_year' THEN 1 WHEN '3_years' THEN 3 ELSE 7 END)
    ) THEN
      RETURN OLD;
    END IF;
  END IF;
  RAISE EXCEPTION '% is append-only: % refused', TG_TABLE_NAME, TG_OP USING ERRCODE = 'insufficient_privilege';
END
$$;
--> statement-breakpoint
CREATE TRIGGER audit_keyed_chain_starts_fixed BEFORE UPDATE OR DELETE ON audit_keyed_chain_starts FOR EACH ROW EXECUTE FUNCTION refuse_evidence_change();
--> statement-breakpoint
CREATE TRIGGER audit_keyed_chain_starts_no_truncate BEFORE TRUNCATE ON audit_keyed_chain_starts FOR EACH STATEMENT EXECUTE FUNCTION refuse_evidence_change();
--> statement-breakpoint
CREATE TRIGGER audit_checkpoints_no_truncate BEFORE TRUNCATE ON audit_checkpoints FOR EACH STATEMENT EXECUTE FUNCTION refuse_evidence_change();
