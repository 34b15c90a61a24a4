-- Trending order (Reddit's "hot"): weighted votes on a log scale plus recency, ten times the votes
-- being worth 12.5 hours. It depends only on a request's own columns, so the next migration makes it
-- a stored generated column: every vote updates it in the same statement and the board's index
-- serves it. IMMUTABLE holds because the epoch of a timestamptz does not depend on the time zone.
CREATE FUNCTION trending_score(vote_weight double precision, created_at timestamptz) RETURNS double precision
  LANGUAGE sql IMMUTABLE PARALLEL SAFE
  RETURN (sign(vote_weight) * log(greatest(abs(vote_weight), 1)) + (extract(epoch FROM created_at) - 1704067200) / 45000)::double precision;
