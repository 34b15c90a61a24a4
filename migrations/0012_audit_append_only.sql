-- Append-only evidence: audit events, audit checkpoints and consent records can be inserted, never
-- changed or removed, by any role the application connects as. The one exception is the audit
-- retention purge, which deletes a chain's expired prefix after signing a checkpoint; it announces
-- itself with SET LOCAL wedsync.audit_purge = 'on' inside its own transaction. (Revoking UPDATE and
-- DELETE instead would not hold in embedded mode, where the application is the superuser.) Someone
-- with direct database access can still bypass this; `audit verify` is what catches them.
CREATE FUNCTION refuse_evidence_change() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  IF TG_OP = 'DELETE' AND TG_TABLE_NAME = 'audit_events' AND current_setting('wedsync.audit_purge', true) = 'on' THEN
    RETURN OLD;
  END IF;
  RAISE EXCEPTION '% is append-only: % refused', TG_TABLE_NAME, TG_OP USING ERRCODE = 'insufficient_privilege';
END
$$;
--> statement-breakpoint
CREATE TRIGGER audit_events_append_only BEFORE UPDATE OR DELETE ON audit_events FOR EACH ROW EXECUTE FUNCTION refuse_evidence_change();
--> statement-breakpoint
CREATE TRIGGER audit_events_no_truncate BEFORE TRUNCATE ON audit_events FOR EACH STATEMENT EXECUTE FUNCTION refuse_evidence_change();
--> statement-breakpoint
CREATE TRIGGER audit_checkpoints_append_only BEFORE UPDATE OR DELETE ON audit_checkpoints FOR EACH ROW EXECUTE FUNCTION refuse_evidence_change();
--> statement-breakpoint
CREATE TRIGGER consent_records_append_only BEFORE UPDATE OR DELETE ON consent_records FOR EACH ROW EXECUTE FUNCTION refuse_evidence_change();
--> statement-breakpoint
-- Each chain starts empty at the genesis hash; the writer locks its row to append.
INSERT INTO audit_chain_heads (chain, sequence, hash) VALUES
  ('7_years', 0, repeat('0', 64)), ('3_years', 0, repeat('0', 64)), ('1_year', 0, repeat('0', 64));
