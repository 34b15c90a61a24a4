import { describe, expect, it } from 'vitest';
import { loadConfig, ConfigError } from '../../../src/config.js';
import {
  assessVote,
  DEFAULT_VOTE_MANIPULATION_POLICY as DEFAULTS,
  deviceOf,
  explainReason,
  firedReasons,
  isNewAccount,
  networkOf,
  signalWindows,
  voteEvidence,
  withPolicyOverride,
  type VoteSignals,
} from '../../../src/domain/vote-manipulation.js';

const quiet: VoteSignals = { recentVotes: 1, newAccountVotes: 0, networkAccounts: 1, deviceAccounts: 1 };
const at = new Date('2026-06-13T12:00:00Z');
const daysAgo = (days: number) => new Date(at.getTime() - days * 86_400_000);

describe('vote-manipulation rules', () => {
  it('accept a vote while every signal is below its threshold, at its full weight', () => {
    const almost = { recentVotes: 29, newAccountVotes: 4, networkAccounts: 2, deviceAccounts: 2 };
    expect(firedReasons(DEFAULTS, almost)).toEqual([]);
    expect(assessVote(DEFAULTS, almost, 2.5)).toEqual({ state: 'accepted', weight: 2.5, reasons: [] });
  });

  it('hold a vote joining a burst, or the third account from one network or device, keeping its weight for release', () => {
    expect(assessVote(DEFAULTS, { ...quiet, recentVotes: 30 }, 2)).toEqual({ state: 'held', weight: 2, reasons: ['request_burst'] });
    expect(assessVote(DEFAULTS, { ...quiet, networkAccounts: 3 }, 1)).toMatchObject({ state: 'held', reasons: ['shared_network'] });
    expect(assessVote(DEFAULTS, { ...quiet, deviceAccounts: 3 }, 1)).toMatchObject({ state: 'held', reasons: ['shared_device'] });
  });

  it('down-weight new accounts voting together, and hold when another signal says hold too', () => {
    expect(assessVote(DEFAULTS, { ...quiet, newAccountVotes: 5 }, 1)).toEqual({ state: 'down_weighted', weight: 0.5, reasons: ['new_account_cluster'] });
    expect(assessVote(DEFAULTS, { ...quiet, newAccountVotes: 6, networkAccounts: 4 }, 1)).toEqual({
      state: 'held',
      weight: 1,
      reasons: ['new_account_cluster', 'shared_network'],
    });
  });

  it('take thresholds and actions from an override, keeping the other defaults', () => {
    const policy = withPolicyOverride(DEFAULTS, { burstVotes: 5, downWeightFactor: 0.25, actions: { request_burst: 'down_weight' } });
    expect(policy.actions).toEqual({ ...DEFAULTS.actions, request_burst: 'down_weight' });
    expect(assessVote(policy, { ...quiet, recentVotes: 5 }, 2)).toEqual({ state: 'down_weighted', weight: 0.5, reasons: ['request_burst'] });
  });

  it('count an account as new for newAccountDays, unless it is a verified supplier (account verification)', () => {
    const couple = (days: number) => ({ role: 'couple' as const, verified: true, accountCreatedAt: daysAgo(days) });
    expect(isNewAccount(DEFAULTS, couple(6.9), at)).toBe(true);
    expect(isNewAccount(DEFAULTS, couple(7.1), at)).toBe(false);
    expect(isNewAccount(DEFAULTS, { role: 'wedding_supplier', verified: true, accountCreatedAt: daysAgo(1) }, at)).toBe(false);
    expect(isNewAccount(DEFAULTS, { role: 'wedding_supplier', verified: false, accountCreatedAt: daysAgo(1) }, at)).toBe(true);
  });

  it('open each window the policy’s length before the vote', () => {
    expect(signalWindows(DEFAULTS, at)).toEqual({
      burstSince: new Date('2026-06-13T11:50:00Z'),
      newAccountSince: new Date('2026-06-13T11:00:00Z'),
      originSince: new Date('2026-06-12T12:00:00Z'),
      newAccountCreatedAfter: new Date('2026-06-06T12:00:00Z'),
    });
  });

  it('explain each reason in words with the numbers recorded when the vote was assessed', () => {
    const signals = { recentVotes: 31, newAccountVotes: 6, networkAccounts: 4, deviceAccounts: 3 };
    const evidence = voteEvidence(DEFAULTS, signals, { role: 'couple', verified: true, accountCreatedAt: daysAgo(2) }, at);
    expect(evidence).toMatchObject({ accountAgeDays: 2, downWeightFactor: 0.5, thresholds: { burstVotes: 30, sharedOriginWindowHours: 24 } });
    expect(explainReason('request_burst', evidence)).toBe('Burst: 31 votes on this request within 10 minutes (flagged from 30).');
    expect(explainReason('new_account_cluster', evidence)).toContain('6 votes from accounts younger than 7 days within 60 minutes');
    expect(explainReason('new_account_cluster', evidence)).toContain('this account was 2 day(s) old');
    expect(explainReason('shared_network', evidence)).toContain('4 accounts voted for this request from one network');
    expect(explainReason('shared_device', evidence)).toContain('3 accounts voted for this request from one device within 24 hours (flagged from 3)');
  });
});

describe('vote origin', () => {
  it('groups public IPv4 addresses by /24 and IPv6 by /64, IPv4-mapped included', () => {
    expect(networkOf('81.2.69.160')).toBe('81.2.69.0/24');
    expect(networkOf('::ffff:81.2.69.1')).toBe('81.2.69.0/24');
    expect(networkOf('2a00:1450:4009:81f::200e')).toBe('2a00:1450:4009:81f::/64');
    expect(networkOf('2a00:1450:4009:81f:ffff::1')).toBe(networkOf('2a00:1450:4009:81f::2'));
  });

  it('knows no network for addresses that do not tell clients apart, or are not addresses', () => {
    for (const ip of ['127.0.0.1', '::1', '10.1.2.3', '192.168.0.7', '100.64.1.1', 'fe80::1', 'fd00::1', '203.0.113.7', 'not-an-ip', '']) {
      expect(networkOf(ip), ip).toBeNull();
    }
  });

  it('identifies a device by the client’s id, else by its browser within one network only', () => {
    const browser = { ip: '81.2.69.160', userAgent: 'Mozilla/5.0 Safari', acceptLanguage: 'en-GB' };
    expect(deviceOf({ ...browser, deviceId: 'a1b2c3d4e5' }, null)).toBe('id:a1b2c3d4e5');
    expect(deviceOf(browser, '81.2.69.0/24')).not.toBe(deviceOf(browser, '81.2.70.0/24'));
    expect(deviceOf(browser, null)).toBeNull();
    expect(deviceOf({ ip: browser.ip }, '81.2.69.0/24')).toBeNull();
  });
});

describe('VOTE_MANIPULATION_POLICY', () => {
  it('overrides the defaults and names the variable when the JSON is wrong', () => {
    const config = loadConfig({ VOTE_MANIPULATION_POLICY: '{"sharedNetworkAccounts":5,"actions":{"shared_network":"down_weight"}}' });
    expect(config.voteManipulationPolicy).toMatchObject({
      sharedNetworkAccounts: 5,
      burstVotes: 30,
      actions: { shared_network: 'down_weight', shared_device: 'hold' },
    });
    expect(loadConfig({}).voteManipulationPolicy).toEqual(DEFAULTS);
    for (const bad of ['nope', '{"burstVotes":1}', '{"downWeightFactor":0}', '{"actions":{"shared_network":"delete"}}', '{"wizard":1}']) {
      expect(() => loadConfig({ VOTE_MANIPULATION_POLICY: bad }), bad).toThrow(ConfigError);
      expect(() => loadConfig({ VOTE_MANIPULATION_POLICY: bad }), bad).toThrow(/VOTE_MANIPULATION_POLICY/);
    }
  });
});
