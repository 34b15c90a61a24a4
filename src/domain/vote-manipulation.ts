// Vote manipulation (the brief's `vendor_review_manipulation` threat): votes that join a burst on one
// request, a cluster of new accounts, or several accounts from one network or device are held for
// the product team's review or counted at a reduced weight — never deleted. Pure rules and
// thresholds as data (override with VOTE_MANIPULATION_POLICY); the votes service gathers the
// signals and stores the verdict, docs/decisions/0016-vote-manipulation.md explains the choices.
import { Type, type Static } from '@sinclair/typebox';
import ipaddr from 'ipaddr.js';
import type { UserRole } from './feature-requests.js';

/** A vote's review state. Only `accepted` and `down_weighted` votes are in a request's counters. */
export const VOTE_STATES = ['accepted', 'down_weighted', 'held', 'rejected'] as const;
export type VoteState = (typeof VOTE_STATES)[number];
export const COUNTED_STATES = ['accepted', 'down_weighted'] as const satisfies readonly VoteState[];
/** States the product team still has to decide on. */
export const PENDING_STATES = ['held', 'down_weighted'] as const satisfies readonly VoteState[];

export const countsInTally = (state: VoteState): boolean => (COUNTED_STATES as readonly VoteState[]).includes(state);

export const MANIPULATION_REASONS = ['request_burst', 'new_account_cluster', 'shared_network', 'shared_device'] as const;
export type ManipulationReason = (typeof MANIPULATION_REASONS)[number];

/** The brief's indicator each reason is evidence of. */
export const REASON_INDICATORS: Record<ManipulationReason, 'unusual_voting_patterns' | 'sockpuppet_accounts' | 'coordinated_submissions'> = {
  request_burst: 'unusual_voting_patterns',
  new_account_cluster: 'sockpuppet_accounts',
  shared_network: 'coordinated_submissions',
  shared_device: 'sockpuppet_accounts',
};

export type ReviewAction = 'hold' | 'down_weight';

export interface VoteManipulationPolicy {
  /** This many votes on one request within `burstWindowMinutes` (the new one included) is a burst. */
  burstVotes: number;
  burstWindowMinutes: number;
  /** Accounts younger than this are new — unless verified (suppliers verified by the product team). */
  newAccountDays: number;
  /** This many votes by new accounts on one request within `newAccountWindowMinutes` is a cluster. */
  newAccountVotes: number;
  newAccountWindowMinutes: number;
  /** This many accounts voting for one request from one network (IPv4 /24, IPv6 /64) or one device within the window. */
  sharedNetworkAccounts: number;
  sharedDeviceAccounts: number;
  sharedOriginWindowHours: number;
  /** A down-weighted vote counts with this share of its weight until reviewed. */
  downWeightFactor: number;
  /** What each reason does to the vote; `hold` wins when several fire. */
  actions: Record<ManipulationReason, ReviewAction>;
}

export const DEFAULT_VOTE_MANIPULATION_POLICY: VoteManipulationPolicy = {
  burstVotes: 30,
  burstWindowMinutes: 10,
  newAccountDays: 7,
  newAccountVotes: 5,
  newAccountWindowMinutes: 60,
  sharedNetworkAccounts: 3,
  sharedDeviceAccounts: 3,
  sharedOriginWindowHours: 24,
  downWeightFactor: 0.5,
  // A supplier sharing a link with the couples it serves brings genuine new accounts: they still
  // count, at half weight, until reviewed. The other signals point at one person behind many votes.
  actions: { request_burst: 'hold', new_account_cluster: 'down_weight', shared_network: 'hold', shared_device: 'hold' },
};

const Threshold = Type.Integer({ minimum: 2, maximum: 1_000_000 });
const Action = Type.Union([Type.Literal('hold'), Type.Literal('down_weight')]);
export const VoteManipulationPolicyOverride = Type.Partial(
  Type.Object({
    burstVotes: Threshold,
    burstWindowMinutes: Type.Integer({ minimum: 1, maximum: 1440 }),
    newAccountDays: Type.Integer({ minimum: 0, maximum: 365 }),
    newAccountVotes: Threshold,
    newAccountWindowMinutes: Type.Integer({ minimum: 1, maximum: 1440 }),
    sharedNetworkAccounts: Threshold,
    sharedDeviceAccounts: Threshold,
    sharedOriginWindowHours: Type.Integer({ minimum: 1, maximum: 24 * 90 }),
    downWeightFactor: Type.Number({ exclusiveMinimum: 0, maximum: 1 }),
    actions: Type.Partial(Type.Object(Object.fromEntries(MANIPULATION_REASONS.map((r) => [r, Action])) as Record<ManipulationReason, typeof Action>), {
      additionalProperties: false,
    }),
  }),
  { additionalProperties: false },
);
export type VoteManipulationPolicyOverride = Static<typeof VoteManipulationPolicyOverride>;

export function withPolicyOverride(base: VoteManipulationPolicy, override: VoteManipulationPolicyOverride = {}): VoteManipulationPolicy {
  return { ...base, ...override, actions: { ...base.actions, ...override.actions } };
}

/** What is known about a new vote, counted on its request in each rule's window, this vote included. */
export interface VoteSignals {
  recentVotes: number;
  /** 0 when the voter's account is not new (the rule does not apply to them). */
  newAccountVotes: number;
  /** 0 when the vote's network or device is unknown. */
  networkAccounts: number;
  deviceAccounts: number;
}

/** Each rule: the signal it reads and the threshold at which it fires. The fast vote path checks the same table in SQL. */
export const VOTE_RULES: readonly { reason: ManipulationReason; signal: keyof VoteSignals; threshold: (p: VoteManipulationPolicy) => number }[] = [
  { reason: 'request_burst', signal: 'recentVotes', threshold: (p) => p.burstVotes },
  { reason: 'new_account_cluster', signal: 'newAccountVotes', threshold: (p) => p.newAccountVotes },
  { reason: 'shared_network', signal: 'networkAccounts', threshold: (p) => p.sharedNetworkAccounts },
  { reason: 'shared_device', signal: 'deviceAccounts', threshold: (p) => p.sharedDeviceAccounts },
];

export function firedReasons(policy: VoteManipulationPolicy, signals: VoteSignals): ManipulationReason[] {
  return VOTE_RULES.filter((rule) => signals[rule.signal] >= rule.threshold(policy)).map((rule) => rule.reason);
}

export interface VoteAssessment {
  state: 'accepted' | 'down_weighted' | 'held';
  /** The weight stored on the vote: what it counts with now (down-weighted) or once released (held). */
  weight: number;
  reasons: ManipulationReason[];
}

export function assessVote(policy: VoteManipulationPolicy, signals: VoteSignals, castWeight: number): VoteAssessment {
  const reasons = firedReasons(policy, signals);
  if (reasons.length === 0) return { state: 'accepted', weight: castWeight, reasons };
  if (reasons.some((r) => policy.actions[r] === 'hold')) return { state: 'held', weight: castWeight, reasons };
  return { state: 'down_weighted', weight: castWeight * policy.downWeightFactor, reasons };
}

const MINUTE = 60_000;
const DAY = 1440 * MINUTE;

/** Where each rule's window starts for a vote cast at `at`, and the creation time after which an account is new. */
export function signalWindows(policy: VoteManipulationPolicy, at: Date) {
  const before = (ms: number) => new Date(at.getTime() - ms);
  return {
    burstSince: before(policy.burstWindowMinutes * MINUTE),
    newAccountSince: before(policy.newAccountWindowMinutes * MINUTE),
    originSince: before(policy.sharedOriginWindowHours * 60 * MINUTE),
    newAccountCreatedAfter: before(policy.newAccountDays * DAY),
  };
}

export interface VoterAccount {
  role: UserRole;
  verified: boolean;
  accountCreatedAt: Date;
}

/** The brief's `account_verification` mitigation: a supplier the product team verified is not a new account. */
export function isNewAccount(policy: VoteManipulationPolicy, voter: VoterAccount, at: Date): boolean {
  if (voter.role === 'wedding_supplier' && voter.verified) return false;
  return voter.accountCreatedAt > signalWindows(policy, at).newAccountCreatedAfter;
}

/** What is stored with a flagged vote, so its explanation stays true when the policy changes later. */
export interface VoteEvidence {
  signals: VoteSignals;
  accountAgeDays: number;
  thresholds: Omit<VoteManipulationPolicy, 'actions' | 'downWeightFactor'>;
  downWeightFactor: number;
}

export function voteEvidence(policy: VoteManipulationPolicy, signals: VoteSignals, voter: VoterAccount, at: Date): VoteEvidence {
  const { actions: _actions, downWeightFactor, ...thresholds } = policy;
  const accountAgeDays = Math.max(0, Math.floor((at.getTime() - voter.accountCreatedAt.getTime()) / DAY));
  return { signals, accountAgeDays, thresholds, downWeightFactor };
}

/** The reason in plain words for the product team, with the numbers that made it fire. */
export function explainReason(reason: ManipulationReason, evidence: VoteEvidence): string {
  const { signals: s, thresholds: t } = evidence;
  switch (reason) {
    case 'request_burst':
      return `Burst: ${s.recentVotes} votes on this request within ${t.burstWindowMinutes} minutes (flagged from ${t.burstVotes}).`;
    case 'new_account_cluster':
      return `New accounts voting together: ${s.newAccountVotes} votes from accounts younger than ${t.newAccountDays} days within ${t.newAccountWindowMinutes} minutes (flagged from ${t.newAccountVotes}); this account was ${evidence.accountAgeDays} day(s) old.`;
    case 'shared_network':
      return `Same network: ${s.networkAccounts} accounts voted for this request from one network (IPv4 /24 or IPv6 /64) within ${t.sharedOriginWindowHours} hours (flagged from ${t.sharedNetworkAccounts}).`;
    case 'shared_device':
      return `Same device: ${s.deviceAccounts} accounts voted for this request from one device within ${t.sharedOriginWindowHours} hours (flagged from ${t.sharedDeviceAccounts}).`;
  }
}

/**
 * The network a client address belongs to, as the rules compare them: IPv4 /24, IPv6 /64 (one
 * subscriber's allocation). Null for addresses that say nothing about who is behind them —
 * loopback, private, link-local, carrier-grade NAT, reserved — which is what a proxy without
 * TRUST_PROXY, a LAN install or a test looks like: every voter would seem to share one network.
 */
export function networkOf(ip: string): string | null {
  if (!ipaddr.isValid(ip)) return null;
  const address = ipaddr.process(ip);
  if (address.range() !== 'unicast') return null;
  if (address.kind() === 'ipv4') return `${(address as ipaddr.IPv4).octets.slice(0, 3).join('.')}.0/24`;
  return `${(address as ipaddr.IPv6).parts
    .slice(0, 4)
    .map((p) => p.toString(16))
    .join(':')}::/64`;
}

export interface VoteOrigin {
  ip: string;
  /** A random id the client keeps (X-Device-Id), when it sends one. */
  deviceId?: string;
  userAgent?: string;
  acceptLanguage?: string;
}

/**
 * What identifies the voter's device, before it is hashed: the client's own id when it sends one;
 * else the browser's user agent and languages — but only within one network, since on their own
 * they are shared by everyone on the same browser build and language.
 */
export function deviceOf(origin: VoteOrigin, network: string | null): string | null {
  if (origin.deviceId) return `id:${origin.deviceId}`;
  if (!network || !origin.userAgent) return null;
  return `browser:${network}\n${origin.userAgent}\n${origin.acceptLanguage ?? ''}`;
}
