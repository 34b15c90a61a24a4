// Escalation policies as data, and follow-the-sun on-call picks, with an explicit clock.
import { describe, expect, it } from 'vitest';
import {
  DEMO_ONCALL_SCHEDULE,
  defaultPolicy,
  isAwake,
  nextWorkStart,
  parseEscalationAnnotation,
  pickOnCall,
  policyFor,
  type OnCallSchedule,
} from '../../../src/domain/escalation.js';

const alert = (name: string, severity: 'critical' | 'warning' | 'info', labels: Record<string, string> = {}, annotations: Record<string, string> = {}) => ({
  name,
  severity,
  labels,
  annotations,
});

describe('escalation policies', () => {
  it('follows the brief’s blocks: immediate → 15 min → 30 min → 1 h', () => {
    const p = policyFor(alert('HighFeatureRequestErrorRate', 'critical'));
    expect(p.source).toBe('alert:HighFeatureRequestErrorRate');
    expect(p.steps).toEqual([
      { afterMinutes: 0, teams: ['on-call-engineer'] },
      { afterMinutes: 15, teams: ['platform-team-lead'] },
      { afterMinutes: 30, teams: ['cto', 'product-manager'] },
      { afterMinutes: 60, teams: ['wedding-success-team'] },
    ]);
  });

  it('keeps the brief’s special timelines', () => {
    const overload = policyFor(alert('WeddingSeasonOverload', 'critical'));
    expect(overload.steps.map((s) => s.afterMinutes)).toEqual([0, 10]);
    expect(overload.steps[0]!.teams).toEqual(['platform-team', 'wedding-success-team']);
    expect(overload.communication).toBe('notify_wedding_professionals');
    expect(policyFor(alert('DatabaseSlowQueries', 'warning')).steps.map((s) => s.afterMinutes)).toEqual([0, 45]);
    expect(policyFor(alert('LowAIDuplicateAccuracy', 'warning')).steps).toEqual([
      { afterMinutes: 0, teams: ['ai-team'] },
      { afterMinutes: 1440, teams: ['product-team'] },
    ]);
    expect(policyFor(alert('AIProcessingDelayed', 'warning')).steps.map((s) => s.afterMinutes)).toEqual([0, 30]);
  });

  it('reads a rule’s escalation annotation for alerts the brief does not name', () => {
    const p = policyFor(
      alert(
        'BackupTooOld',
        'critical',
        { team: 'platform-team' },
        { escalation: 'immediate: platform-team; after 30m: database-team, platform-team-lead; after 1h: cto' },
      ),
    );
    expect(p.source).toBe('annotation');
    expect(p.steps).toEqual([
      { afterMinutes: 0, teams: ['platform-team'] },
      { afterMinutes: 30, teams: ['database-team', 'platform-team-lead'] },
      { afterMinutes: 60, teams: ['cto'] },
    ]);
    expect(parseEscalationAnnotation('immediate: ai-team; after 24h: product-team')!.steps[1]).toEqual({ afterMinutes: 1440, teams: ['product-team'] });
    expect(parseEscalationAnnotation('immediate: a; communication: notify_x')).toEqual({
      steps: [{ afterMinutes: 0, teams: ['a'] }],
      communication: 'notify_x',
    });
    expect(parseEscalationAnnotation('sometime: a')).toBeNull();
  });

  it('falls back to a default by severity, starting with the alert’s own team', () => {
    expect(policyFor(alert('SomethingNew', 'critical', { team: 'database-team' }))).toEqual({
      source: 'default:critical',
      ...defaultPolicy('critical', 'database-team'),
    });
    expect(defaultPolicy('critical', 'database-team').steps.map((s) => s.afterMinutes)).toEqual([0, 15, 30, 60]);
    expect(defaultPolicy('critical', 'database-team').steps[0]!.teams).toEqual(['database-team']);
    expect(defaultPolicy('warning', undefined).steps).toEqual([
      { afterMinutes: 0, teams: ['platform-team'] },
      { afterMinutes: 30, teams: ['platform-team-lead'] },
    ]);
  });
});

describe('follow the sun', () => {
  // New York is the primary; Mumbai and London back it up. Working hours 08:00–20:00 local.
  const schedule: OnCallSchedule = {
    teams: {
      'on-call-engineer': {
        members: [
          { name: 'Sarah', email: 'sarah@wedsync.example', timeZone: 'America/New_York' },
          { name: 'Priya', email: 'priya@wedsync.example', timeZone: 'Asia/Kolkata' },
        ],
      },
      'night-shift': { members: [{ name: 'Nia', timeZone: 'Europe/London', workingHours: { start: '20:00', end: '08:00' } }] },
    },
  };

  it('wakes Mumbai rather than sleeping New York (2 AM EST)', () => {
    const now = new Date('2027-01-15T07:00:00Z'); // 02:00 in New York, 12:30 in Mumbai
    const pick = pickOnCall(schedule, 'on-call-engineer', 'warning', now);
    expect(pick).toMatchObject({ member: { name: 'Priya' }, reason: 'awake', notifyAt: now });
    // Also for a critical: someone is awake, so nobody is woken.
    expect(pickOnCall(schedule, 'on-call-engineer', 'critical', now).member!.name).toBe('Priya');
  });

  it('prefers the primary while they are awake', () => {
    const now = new Date('2027-01-15T15:00:00Z'); // 10:00 New York, 20:30 Mumbai
    expect(pickOnCall(schedule, 'on-call-engineer', 'warning', now).member!.name).toBe('Sarah');
  });

  it('when nobody is awake: wakes the primary only for a critical, otherwise waits for the first morning', () => {
    const now = new Date('2027-01-15T01:30:00Z'); // 20:30 New York (off), 07:00 Mumbai (not yet)
    expect(pickOnCall(schedule, 'on-call-engineer', 'critical', now)).toMatchObject({
      member: { name: 'Sarah' },
      reason: 'critical_wakes_primary',
      notifyAt: now,
    });
    const waiting = pickOnCall(schedule, 'on-call-engineer', 'warning', now);
    expect(waiting).toMatchObject({ member: { name: 'Priya' }, reason: 'waits_for_morning' });
    expect(waiting.notifyAt.toISOString()).toBe('2027-01-15T02:30:00.000Z'); // 08:00 in Mumbai
  });

  it('handles night shifts across midnight, daylight saving and teams without a roster', () => {
    const nia = schedule.teams['night-shift']!.members[0]!;
    expect(isAwake(nia, schedule, new Date('2027-01-15T23:00:00Z'))).toBe(true);
    expect(isAwake(nia, schedule, new Date('2027-01-15T12:00:00Z'))).toBe(false);
    const sarah = schedule.teams['on-call-engineer']!.members[0]!;
    // The night before US daylight saving starts (14 March 2027): 08:00 EDT is 12:00 UTC.
    expect(nextWorkStart(sarah, schedule, new Date('2027-03-14T03:00:00Z')).toISOString()).toBe('2027-03-14T12:00:00.000Z');
    expect(pickOnCall(schedule, 'nobody', 'critical', new Date('2027-01-15T00:00:00Z'))).toMatchObject({ member: null, reason: 'no_roster' });
  });

  it('ships a demo roster covering every team the policies name', () => {
    const teams = new Set([
      'on-call-engineer',
      'platform-team-lead',
      'cto',
      'product-manager',
      'wedding-success-team',
      'ai-team',
      'platform-team',
      'customer-success-director',
      'database-team',
      'product-team',
    ]);
    for (const t of teams) expect(DEMO_ONCALL_SCHEDULE.teams[t]?.members.length, t).toBeGreaterThan(0);
  });
});

describe('the example roster', () => {
  it('deploy/oncall/schedule.example.json is a valid roster', async () => {
    const { onCallSchedule } = await import('../../../src/services/incidents.js');
    const { schedule } = onCallSchedule({
      config: { oncallScheduleFile: `${process.cwd()}/deploy/oncall/schedule.example.json` },
      caches: { onCallRosters: new Map() },
    });
    expect(Object.keys(schedule.teams)).toContain('on-call-engineer');
    expect(() => onCallSchedule({ config: { oncallScheduleFile: `${process.cwd()}/package.json` }, caches: { onCallRosters: new Map() } })).toThrow(
      /not a valid roster/,
    );
  });
});
