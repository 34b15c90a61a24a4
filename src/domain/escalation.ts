// The escalation engine's rules, as data and pure functions (no I/O, explicit `now`):
// - which teams each alert escalates to, and when (the brief's `escalation` blocks);
// - who in a team is on call right now, following the sun across time zones.
import { Type, type Static } from '@sinclair/typebox';

export type Severity = 'critical' | 'warning' | 'info';

export interface EscalationStep {
  /** Minutes after the incident opened (0 = immediate). */
  afterMinutes: number;
  teams: readonly string[];
}

export interface EscalationPolicy {
  /** Where the policy came from: the alert's name, its `escalation` annotation, or a severity default. */
  source: string;
  steps: readonly EscalationStep[];
  /** The brief's special communication protocol (WeddingSeasonOverload), shown in notifications. */
  communication?: string;
}

const step = (afterMinutes: number, ...teams: string[]): EscalationStep => ({ afterMinutes, teams });

/** The brief's §3 alerting rules' escalation blocks, keyed by alert name. */
export const ESCALATION_POLICIES: Readonly<Record<string, Omit<EscalationPolicy, 'source'>>> = {
  HighFeatureRequestErrorRate: {
    steps: [step(0, 'on-call-engineer'), step(15, 'platform-team-lead'), step(30, 'cto', 'product-manager'), step(60, 'wedding-success-team')],
  },
  AIProcessingDelayed: { steps: [step(0, 'ai-team'), step(30, 'platform-team')] },
  WeddingSeasonOverload: {
    steps: [step(0, 'platform-team', 'wedding-success-team'), step(10, 'cto', 'customer-success-director')],
    communication: 'notify_wedding_professionals',
  },
  DatabaseSlowQueries: { steps: [step(0, 'database-team'), step(45, 'platform-team')] },
  LowAIDuplicateAccuracy: { steps: [step(0, 'ai-team'), step(24 * 60, 'product-team')] },
};

/**
 * Parses a rule's `escalation` annotation (deploy/prometheus/wedsync-alerts.yml):
 * `immediate: a, b; after 15m: c; after 1h: d; communication: x`. Returns null when it is absent
 * or not understood, so a typo falls back to the severity default instead of paging nobody.
 */
export function parseEscalationAnnotation(text: string | undefined): Omit<EscalationPolicy, 'source'> | null {
  if (!text) return null;
  const steps: EscalationStep[] = [];
  let communication: string | undefined;
  for (const part of text.split(';')) {
    const [rawKey, rawValue] = part.split(':', 2).map((s) => s.trim());
    if (!rawKey) continue;
    const teams = (rawValue ?? '')
      .split(',')
      .map((t) => t.trim())
      .filter(Boolean);
    if (rawKey === 'communication') {
      communication = teams.join(', ') || undefined;
      continue;
    }
    let minutes: number;
    if (rawKey === 'immediate') minutes = 0;
    else {
      const m = /^after\s*_?(\d+)\s*(m|min|mins|minutes?|h|hours?|d|days?)$/i.exec(rawKey);
      if (!m) return null;
      const n = Number(m[1]);
      const unit = m[2]!.toLowerCase()[0];
      minutes = unit === 'm' ? n : unit === 'h' ? n * 60 : n * 1440;
    }
    if (teams.length === 0) return null;
    steps.push({ afterMinutes: minutes, teams });
  }
  if (steps.length === 0) return null;
  steps.sort((a, b) => a.afterMinutes - b.afterMinutes);
  return communication ? { steps, communication } : { steps };
}

/**
 * For alerts the brief does not name: the alert's own `team` label first, then leadership on the
 * brief's clock — faster for criticals.
 */
export function defaultPolicy(severity: Severity, team: string | undefined): Omit<EscalationPolicy, 'source'> {
  if (severity === 'critical') {
    return {
      steps: [step(0, team ?? 'on-call-engineer'), step(15, 'platform-team-lead'), step(30, 'cto', 'product-manager'), step(60, 'wedding-success-team')],
    };
  }
  if (severity === 'warning') return { steps: [step(0, team ?? 'platform-team'), step(30, 'platform-team-lead')] };
  return { steps: [step(0, team ?? 'platform-team')] };
}

export function normaliseSeverity(value: string | undefined): Severity {
  return value === 'critical' || value === 'warning' ? value : 'info';
}

/**
 * The policy of an alert: the brief's block for its name, else the rule's `escalation` annotation,
 * else the severity default.
 */
export function policyFor(alert: { name: string; severity: Severity; labels: Record<string, string>; annotations: Record<string, string> }): EscalationPolicy {
  const named = ESCALATION_POLICIES[alert.name];
  if (named) return { source: `alert:${alert.name}`, ...named };
  const annotated = parseEscalationAnnotation(alert.annotations.escalation);
  if (annotated) return { source: 'annotation', ...annotated };
  return { source: `default:${alert.severity}`, ...defaultPolicy(alert.severity, alert.labels.team) };
}

// ---------------------------------------------------------------------------------------------
// On-call schedules across time zones ("follow the sun").

const HourMinute = Type.String({ pattern: '^([01][0-9]|2[0-3]):[0-5][0-9]$' });
const WorkingHours = Type.Object({ start: HourMinute, end: HourMinute }, { additionalProperties: false });

export const OnCallScheduleSchema = Type.Object(
  {
    /** Used for members without their own hours. Default 08:00–20:00 local. */
    defaultWorkingHours: Type.Optional(WorkingHours),
    teams: Type.Record(
      Type.String({ minLength: 1 }),
      Type.Object(
        {
          /** Roster order: the first member is the primary, woken for criticals when nobody is awake. */
          members: Type.Array(
            Type.Object(
              {
                name: Type.String({ minLength: 1 }),
                email: Type.Optional(Type.String({ pattern: '^[^@\\s]+@[^@\\s]+$' })),
                timeZone: Type.String({ minLength: 1 }),
                workingHours: Type.Optional(WorkingHours),
              },
              { additionalProperties: false },
            ),
            { minItems: 1 },
          ),
        },
        { additionalProperties: false },
      ),
    ),
  },
  { additionalProperties: false },
);
export type OnCallSchedule = Static<typeof OnCallScheduleSchema>;
export type OnCallMember = OnCallSchedule['teams'][string]['members'][number];

export const DEFAULT_WORKING_HOURS = { start: '08:00', end: '20:00' } as const;

/** Names the time zones the runtime does not know (checked when a roster is loaded). */
export function unknownTimeZones(schedule: OnCallSchedule): string[] {
  const bad = new Set<string>();
  for (const team of Object.values(schedule.teams)) {
    for (const m of team.members) {
      try {
        new Intl.DateTimeFormat('en-GB', { timeZone: m.timeZone });
      } catch {
        bad.add(m.timeZone);
      }
    }
  }
  return [...bad];
}

const minutesOf = (hm: string) => Number(hm.slice(0, 2)) * 60 + Number(hm.slice(3, 5));

/** Wall-clock time in a zone, as minutes (with fractions) since local midnight. */
export function localMinutes(at: Date, timeZone: string): number {
  const parts = new Intl.DateTimeFormat('en-GB', { timeZone, hourCycle: 'h23', hour: '2-digit', minute: '2-digit', second: '2-digit' }).formatToParts(at);
  const get = (type: string) => Number(parts.find((p) => p.type === type)?.value ?? 0);
  return get('hour') * 60 + get('minute') + get('second') / 60;
}

function hoursOf(member: OnCallMember, schedule: OnCallSchedule) {
  return member.workingHours ?? schedule.defaultWorkingHours ?? DEFAULT_WORKING_HOURS;
}

/** Within their working hours (a night shift like 20:00–08:00 wraps midnight). */
export function isAwake(member: OnCallMember, schedule: OnCallSchedule, now: Date): boolean {
  const { start, end } = hoursOf(member, schedule);
  const local = localMinutes(now, member.timeZone);
  const s = minutesOf(start);
  const e = minutesOf(end);
  return s <= e ? local >= s && local < e : local >= s || local < e;
}

/** The next instant their working hours begin (their "morning"), strictly after `now`. */
export function nextWorkStart(member: OnCallMember, schedule: OnCallSchedule, now: Date): Date {
  const start = minutesOf(hoursOf(member, schedule).start);
  const local = localMinutes(now, member.timeZone);
  let ahead = start - local;
  if (ahead <= 0) ahead += 1440;
  let at = new Date(now.getTime() + ahead * 60_000);
  // A daylight-saving change in between shifts the wall clock: correct by the difference.
  let drift = start - localMinutes(at, member.timeZone);
  if (drift > 720) drift -= 1440;
  if (drift < -720) drift += 1440;
  if (Math.abs(drift) > 1 / 60) at = new Date(at.getTime() + drift * 60_000);
  return new Date(Math.round(at.getTime() / 1000) * 1000);
}

export type PickReason = 'awake' | 'critical_wakes_primary' | 'waits_for_morning' | 'no_roster';

export interface OnCallPick {
  team: string;
  member: OnCallMember | null;
  /** When to notify: now, or the chosen member's next morning. */
  notifyAt: Date;
  reason: PickReason;
}

/**
 * Who in `team` to notify for an alert of `severity` at `now`:
 * 1. the first member (roster order) who is within working hours — follow the sun;
 * 2. nobody awake and the alert is critical: wake the primary (first member) now;
 * 3. nobody awake otherwise: wait for the first morning — the member whose working hours begin
 *    soonest is notified then (ties: roster order).
 * A team without a roster gets a channel-only notification (webhook) now.
 */
export function pickOnCall(schedule: OnCallSchedule, team: string, severity: Severity, now: Date): OnCallPick {
  const members = schedule.teams[team]?.members ?? [];
  if (members.length === 0) return { team, member: null, notifyAt: now, reason: 'no_roster' };
  const awake = members.find((m) => isAwake(m, schedule, now));
  if (awake) return { team, member: awake, notifyAt: now, reason: 'awake' };
  if (severity === 'critical') return { team, member: members[0]!, notifyAt: now, reason: 'critical_wakes_primary' };
  let best = members[0]!;
  let bestAt = nextWorkStart(best, schedule, now);
  for (const m of members.slice(1)) {
    const at = nextWorkStart(m, schedule, now);
    if (at < bestAt) {
      best = m;
      bestAt = at;
    }
  }
  return { team, member: best, notifyAt: bestAt, reason: 'waits_for_morning' };
}

/** When a step is due, from the moment its incident opened. */
export const stepDueAt = (openedAt: Date, s: EscalationStep) => new Date(openedAt.getTime() + s.afterMinutes * 60_000);

/**
 * The built-in roster used when ONCALL_SCHEDULE_FILE is unset: fictional people spread over
 * Mumbai, London and New York so that every team has someone awake most of the day. Addresses
 * use the reserved `.example` domain.
 */
export const DEMO_ONCALL_SCHEDULE: OnCallSchedule = (() => {
  const ny = (name: string) => ({ name, email: `${name.toLowerCase()}@wedsync.example`, timeZone: 'America/New_York' });
  const ldn = (name: string) => ({ name, email: `${name.toLowerCase()}@wedsync.example`, timeZone: 'Europe/London' });
  const bom = (name: string) => ({ name, email: `${name.toLowerCase()}@wedsync.example`, timeZone: 'Asia/Kolkata' });
  return {
    defaultWorkingHours: { start: '08:00', end: '20:00' },
    teams: {
      'on-call-engineer': { members: [ny('Sarah'), bom('Priya'), ldn('Oliver')] },
      'platform-team': { members: [ldn('Amelia'), ny('Marcus'), bom('Arjun')] },
      'platform-team-lead': { members: [ldn('Hannah'), ny('Diego')] },
      'database-team': { members: [bom('Kavya'), ldn('Tom')] },
      'ai-team': { members: [bom('Rohan'), ny('Emily')] },
      'product-team': { members: [ldn('Grace'), ny('Noah')] },
      'product-manager': { members: [ny('Olivia')] },
      cto: { members: [ldn('Eleanor')] },
      'wedding-success-team': { members: [ny('Chloe'), bom('Ananya'), ldn('Isla')] },
      'customer-success-director': { members: [ny('Jordan')] },
    },
  };
})();
