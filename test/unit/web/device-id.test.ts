// The web app's X-Device-Id (web/src/deviceId.ts): random, kept across visits, in a form the vote
// route accepts, and absent rather than made up afresh when the browser keeps no storage.
import { Value } from '@sinclair/typebox/value';
import { describe, expect, it } from 'vitest';
import { VoteHeaders } from '../../../src/http/routes/feature-requests/schemas.js';
import { deviceId, type KeptValues } from '../../../web/src/deviceId.js';

/** A browser's localStorage, as far as deviceId uses it. */
class MemoryStorage implements KeptValues {
  readonly items = new Map<string, string>();
  getItem(key: string) {
    return this.items.get(key) ?? null;
  }
  setItem(key: string, value: string) {
    this.items.set(key, value);
  }
}

const inBrowser = (storage: KeptValues) => deviceId(() => storage);

describe('device id for votes', () => {
  it('is created on first use in a form the vote route accepts, and kept for later votes', () => {
    const storage = new MemoryStorage();
    const id = inBrowser(storage);
    expect(id).not.toBeNull();
    expect(Value.Check(VoteHeaders, { 'x-device-id': id })).toBe(true);
    expect([...storage.items.values()]).toEqual([id]);
    expect(inBrowser(storage)).toBe(id);
  });

  it('differs between browsers', () => {
    const ids = new Set(Array.from({ length: 20 }, () => inBrowser(new MemoryStorage())));
    expect(ids.size).toBe(20);
  });

  it('replaces a stored value that is not one of its own', () => {
    const storage = new MemoryStorage();
    const first = inBrowser(storage)!;
    const [key] = storage.items.keys();
    storage.setItem(key!, 'not a device id!');
    const replaced = inBrowser(storage);
    expect(replaced).not.toBe(first);
    expect(Value.Check(VoteHeaders, { 'x-device-id': replaced })).toBe(true);
    expect(storage.getItem(key!)).toBe(replaced);
  });

  it('is null when the browser keeps no storage, rather than a new id for every vote', () => {
    // Where site data is blocked, reading localStorage itself throws.
    const blocked = () => {
      throw new DOMException('The operation is insecure.', 'SecurityError');
    };
    expect(deviceId(blocked)).toBeNull();
    const full = new MemoryStorage();
    full.setItem = () => {
      throw new DOMException('Quota exceeded', 'QuotaExceededError');
    };
    expect(inBrowser(full)).toBeNull();
  });
});
