// Issue #14 finding 8: `/login?next=%2F%09%2Fevil.example%2Fphish` sent the signed-in member to
// http://evil.example/phish — the tab passed the "starts with / but not //" check and the browser
// then dropped it. safeNext (web/src/safeNext.ts) judges the URL as the browser reads it.
import { describe, expect, it } from 'vitest';
import { safeNext } from '../../../web/src/safeNext.js';

const ORIGIN = 'https://feedback.wedsync.example';

describe('safeNext: where sign-in may send the member', () => {
  it('keeps paths on this site, with their query and fragment', () => {
    expect(safeNext('/requests/8b0e?tab=comments#c1', ORIGIN)).toBe('/requests/8b0e?tab=comments#c1');
    expect(safeNext('/submit', ORIGIN)).toBe('/submit');
    expect(safeNext(null, ORIGIN)).toBe('/');
    expect(safeNext('', ORIGIN)).toBe('/');
  });

  it('never leaves the site, however the address is dressed up', () => {
    const hostile = [
      decodeURIComponent('%2F%09%2Fevil.example%2Fphish'), // the reported one: "/\t/evil.example/phish"
      '/\n/evil.example',
      '/\r\n/evil.example',
      '//evil.example',
      '/\\evil.example',
      '\\\\evil.example',
      '/\\/evil.example',
      '/.//evil.example',
      '/..//evil.example',
      ' //evil.example',
      'https://evil.example/phish',
      'HTTPS://evil.example',
      'http:evil.example',
      'javascript:alert(document.cookie)',
      'data:text/html,<script>alert(1)</script>',
      `${ORIGIN}.evil.example/`,
      `${ORIGIN}@evil.example/`,
    ];
    for (const next of hostile) {
      const target = safeNext(next, ORIGIN);
      expect(new URL(target, ORIGIN).origin, JSON.stringify(next)).toBe(ORIGIN);
      expect(target.startsWith('/') && !target.startsWith('//') && !target.startsWith('/\\'), JSON.stringify(next)).toBe(true);
    }
  });

  it('accepts this site written in full, as its path', () => {
    expect(safeNext(`${ORIGIN}/roadmap`, ORIGIN)).toBe('/roadmap');
  });
});
