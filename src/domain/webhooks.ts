// Outgoing webhooks: the events an endpoint may subscribe to, and which target addresses the SSRF
// guard lets a delivery reach. Pure: the service resolves names and opens connections.
import ipaddr from 'ipaddr.js';

export const WEBHOOK_EVENTS = [
  'feature_request.created',
  'feature_request.status_changed',
  'feature_request.merged',
  'comment.created',
  'incident.opened',
  'incident.resolved',
] as const;
export type WebhookEvent = (typeof WEBHOOK_EVENTS)[number];

/** Sent only by "send test event", whatever the endpoint subscribed to. */
export const TEST_EVENT = 'webhook.test';

/**
 * Why an address may not be a webhook target, or null when it may. Only global unicast passes:
 * loopback, private, link-local (cloud metadata at 169.254.169.254), unique-local, multicast,
 * carrier-grade NAT, unspecified and reserved ranges reach the deployment's own network.
 * IPv4-mapped IPv6 (::ffff:127.0.0.1) is judged as the IPv4 address it carries.
 */
export function refusedAddress(address: string): string | null {
  if (!ipaddr.isValid(address)) return `${address} is not an IP address`;
  const range = ipaddr.process(address).range();
  return range === 'unicast' ? null : `${address} is a ${range} address`;
}

/** The host part of a URL as the allow-list spells it: lower-case, IPv6 without brackets. */
export function hostOf(url: URL): string {
  return url.hostname.toLowerCase().replace(/^\[(.*)\]$/, '$1');
}
