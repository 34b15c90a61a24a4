-- Nearest-neighbour candidates for duplicate detection come from pgvector's HNSW index where the
-- extension is installed (PGlite ships it; many PostgreSQL servers do not). Without it the detector
-- falls back to lexical candidates from request_terms, re-ranked by embedding cosine (src/ai).
DO $$
BEGIN
  IF EXISTS (SELECT 1 FROM pg_available_extensions WHERE name = 'vector') THEN
    CREATE EXTENSION IF NOT EXISTS vector;
    ALTER TABLE request_embeddings ADD COLUMN embedding_vector vector(512);
    CREATE INDEX request_embeddings_vector_idx ON request_embeddings USING hnsw (embedding_vector vector_cosine_ops);
  END IF;
END
$$;
