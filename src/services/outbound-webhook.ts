// One guarded POST to a webhook receiver. The SSRF guard resolves the target's name at delivery time,
// refuses it when any address is loopback, private, link-local, unique-local, multicast or otherwise
// not global unicast (src/domain/webhooks.ts) unless the host is in WEBHOOK_ALLOWED_HOSTS, and pins
// the connection to the address it checked: a DNS answer that changes between the check and the
// connect (rebinding) cannot redirect the request. Redirects are not followed.
import { lookup as dnsLookup } from 'node:dns/promises';
import http from 'node:http';
import https from 'node:https';
import type { LookupFunction } from 'node:net';
import { isIP } from 'node:net';
import { hostOf, refusedAddress } from '../domain/webhooks.js';

export class WebhookTargetRefused extends Error {
  override name = 'WebhookTargetRefused';
}

export interface OutboundAnswer {
  statusCode: number;
}

const TIMEOUT_MS = 10_000;

/** The address to connect to, after the guard; throws WebhookTargetRefused. */
export async function checkedAddress(url: URL, allowedHosts: readonly string[]): Promise<{ address: string; family: 4 | 6 }> {
  if (url.protocol !== 'http:' && url.protocol !== 'https:') throw new WebhookTargetRefused(`${url.protocol} is not http or https`);
  const host = hostOf(url);
  const allowed = allowedHosts.includes(host);
  const addresses = isIP(host)
    ? [{ address: host, family: isIP(host) as 4 | 6 }]
    : ((await dnsLookup(host, { all: true, verbatim: true })) as { address: string; family: 4 | 6 }[]);
  if (addresses.length === 0) throw new WebhookTargetRefused(`${host} does not resolve`);
  if (!allowed) {
    // Every address, not just the first: the resolver may hand out another one next time.
    for (const a of addresses) {
      const why = refusedAddress(a.address);
      if (why) throw new WebhookTargetRefused(`${host}: ${why} (not in WEBHOOK_ALLOWED_HOSTS)`);
    }
  }
  return addresses[0]!;
}

/** POSTs `body`; resolves with the answer's status whatever it is, rejects on a refused target, network error or timeout. */
export async function postWebhookGuarded(
  target: string,
  body: string,
  headers: Record<string, string>,
  allowedHosts: readonly string[],
): Promise<OutboundAnswer> {
  const url = new URL(target);
  const pinned = await checkedAddress(url, allowedHosts);
  const lookup: LookupFunction = (_host, options, callback) => {
    if (options.all) (callback as unknown as (err: null, all: { address: string; family: number }[]) => void)(null, [pinned]);
    else callback(null, pinned.address, pinned.family);
  };
  const client = url.protocol === 'https:' ? https : http;
  return new Promise((resolve, reject) => {
    const req = client.request(
      url,
      {
        method: 'POST',
        // The name still goes in Host and TLS SNI/certificate checks; only the address is pinned.
        lookup,
        headers: { 'content-type': 'application/json', 'content-length': Buffer.byteLength(body), 'user-agent': 'WedSync-Webhooks/1', ...headers },
        timeout: TIMEOUT_MS,
      },
      (res) => {
        res.resume(); // the answer's body is not needed, only its status
        res.on('end', () => resolve({ statusCode: res.statusCode ?? 0 }));
        res.on('error', reject);
      },
    );
    req.on('timeout', () => req.destroy(new Error(`no answer within ${TIMEOUT_MS / 1000} s`)));
    req.on('error', reject);
    req.end(body);
  });
}
