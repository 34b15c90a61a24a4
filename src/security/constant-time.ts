// Comparing secrets (CSRF tokens, Bearer secrets for Prometheus and Alertmanager) without telling
// an attacker, through the response time, how much of a guess was right — or how long the secret
// is: both sides are hashed to 32 bytes first, then compared with timingSafeEqual.
import { createHash, timingSafeEqual } from 'node:crypto';

const digest = (value: string) => createHash('sha256').update(value).digest();

export function secretsEqual(given: string | undefined, expected: string | undefined): boolean {
  if (!given || !expected) return false;
  return timingSafeEqual(digest(given), digest(expected));
}

/** `Authorization: Bearer <expected>` (scheme case-insensitive). False when no secret is configured. */
export function bearerMatches(header: string | undefined, expected: string | undefined): boolean {
  const [scheme, token] = (header ?? '').split(' ');
  return scheme?.toLowerCase() === 'bearer' && secretsEqual(token, expected);
}
