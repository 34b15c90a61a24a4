// The id this browser sends with a vote (X-Device-Id) so that several accounts voting from one device
// are noticed (docs/decisions/0016-vote-manipulation.md); the server keeps only a keyed hash of it.
// Random, created on first use and kept in localStorage: never derived from the account or from
// anything the browser would give away about itself, and gone when the site's data is cleared.

const KEY = 'wedsync.device-id';
/** 128 random bits in hex: within what the vote route accepts (`^[A-Za-z0-9_-]{8,128}$`). */
const FORMAT = /^[0-9a-f]{32}$/;

function randomId(): string {
  // getRandomValues, not randomUUID: the latter needs a secure context, and a LAN install may be plain http.
  const bytes = crypto.getRandomValues(new Uint8Array(16));
  return Array.from(bytes, (b) => b.toString(16).padStart(2, '0')).join('');
}

/** The part of localStorage used here. */
export interface KeptValues {
  getItem(key: string): string | null;
  setItem(key: string, value: string): void;
}

/**
 * This browser's device id, created on first use; null when storage is blocked (the server then
 * compares the browser within its network). `storage` is read inside: where storage is blocked,
 * merely reading `localStorage` throws.
 */
export function deviceId(storage: () => KeptValues): string | null {
  try {
    const kept = storage().getItem(KEY);
    if (kept && FORMAT.test(kept)) return kept;
    const id = randomId();
    storage().setItem(KEY, id);
    return id;
  } catch {
    return null;
  }
}
