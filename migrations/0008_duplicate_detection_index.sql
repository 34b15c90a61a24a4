-- Document frequencies for the duplicate detector's IDF, kept exact by a trigger so that deletes
-- (re-indexing, cascades from deleted requests) can never let them drift.
CREATE FUNCTION request_terms_count() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  IF TG_OP = 'INSERT' THEN
    INSERT INTO request_term_frequencies (term, requests) VALUES (NEW.term, 1)
    ON CONFLICT (term) DO UPDATE SET requests = request_term_frequencies.requests + 1;
    RETURN NEW;
  END IF;
  UPDATE request_term_frequencies SET requests = requests - 1 WHERE term = OLD.term;
  RETURN OLD;
END
$$;
--> statement-breakpoint
CREATE TRIGGER request_terms_count AFTER INSERT OR DELETE ON request_terms FOR EACH ROW EXECUTE FUNCTION request_terms_count();
--> statement-breakpoint
-- Nearest-neighbour candidates come from pgvector's HNSW index where the extension is installed
-- (PGlite ships it; many PostgreSQL servers, like Debian's, do not). Without it the detector falls
-- back to lexical candidates from request_terms, re-ranked by embedding cosine (src/ai).
DO $$
BEGIN
  IF EXISTS (SELECT 1 FROM pg_available_extensions WHERE name = 'vector') THEN
    CREATE EXTENSION IF NOT EXISTS vector;
    ALTER TABLE request_embeddings ADD COLUMN embedding_vector vector(512);
    CREATE INDEX request_embeddings_vector_idx ON request_embeddings USING hnsw (embedding_vector vector_cosine_ops);
  END IF;
END
$$;
