// Insider access anomalies: staff reading personal data at night or at weekends (in the working
// time zone the operators set, never a zone the watched person edits), exporting many people's data
// at once, reading many records within an hour, or changing their own time zone. None of these is
// forbidden — a product manager may have a reason — but each is recorded and alerted on, so that
// someone other than the reader looks at it. Override with INSIDER_ACCESS_POLICY.
import { Type, type Static } from '@sinclair/typebox';

export interface InsiderAccessPolicy {
  /** Roles whose PII access is watched (people, not the AI pipeline whose reads are content-only). */
  staffRoles: string[];
  /**
   * The staff's working time zone, set by the operators (INSIDER_ACCESS_POLICY): off-hours are
   * judged in it. Not the staff member's profile zone, which they can change themselves (issue #14).
   */
  workingTimeZone: string;
  /** Working days, 0 = Sunday … 6 = Saturday, and hours [startHour, endHour) in workingTimeZone. */
  workdays: number[];
  startHour: number;
  endHour: number;
  /** One export of at least this many people's records is a bulk export. */
  bulkExportRecords: number;
  /** At least this many records read by one person within `bulkWindowMinutes` is bulk reading. */
  bulkReadRecords: number;
  bulkWindowMinutes: number;
}

export const DEFAULT_INSIDER_ACCESS_POLICY: InsiderAccessPolicy = {
  staffRoles: ['product_team', 'admin'],
  workingTimeZone: 'Europe/London',
  workdays: [1, 2, 3, 4, 5],
  startHour: 7,
  endHour: 20,
  bulkExportRecords: 25,
  bulkReadRecords: 200,
  bulkWindowMinutes: 60,
};

export const InsiderAccessPolicyOverride = Type.Partial(
  Type.Object({
    staffRoles: Type.Array(Type.String({ minLength: 1 }), { maxItems: 10 }),
    workingTimeZone: Type.String({ minLength: 1, maxLength: 64, description: 'IANA time zone' }),
    workdays: Type.Array(Type.Integer({ minimum: 0, maximum: 6 }), { maxItems: 7 }),
    startHour: Type.Integer({ minimum: 0, maximum: 23 }),
    endHour: Type.Integer({ minimum: 1, maximum: 24 }),
    bulkExportRecords: Type.Integer({ minimum: 1 }),
    bulkReadRecords: Type.Integer({ minimum: 1 }),
    bulkWindowMinutes: Type.Integer({ minimum: 1, maximum: 1440 }),
  }),
  { additionalProperties: false },
);
export type InsiderAccessPolicyOverride = Static<typeof InsiderAccessPolicyOverride>;

/** `time_zone_changed`: a staff member changed their own profile zone (it once steered off-hours). */
export const INSIDER_ANOMALIES = ['off_hours', 'bulk_export', 'bulk_reads', 'time_zone_changed'] as const;
export type InsiderAnomaly = (typeof INSIDER_ANOMALIES)[number];

const WEEKDAYS = ['Sun', 'Mon', 'Tue', 'Wed', 'Thu', 'Fri', 'Sat'];

/** Weekday (0 = Sunday) and hour at `at` in `timeZone` (UTC when the zone is unknown). */
export function localTime(at: Date, timeZone: string): { weekday: number; hour: number } {
  let parts: Intl.DateTimeFormatPart[];
  try {
    parts = new Intl.DateTimeFormat('en-GB', { timeZone, weekday: 'short', hour: 'numeric', hourCycle: 'h23' }).formatToParts(at);
  } catch {
    return { weekday: at.getUTCDay(), hour: at.getUTCHours() };
  }
  return {
    weekday: WEEKDAYS.indexOf(parts.find((p) => p.type === 'weekday')?.value ?? ''),
    hour: Number(parts.find((p) => p.type === 'hour')?.value ?? 0),
  };
}

export interface PiiAccessFacts {
  at: Date;
  kind: 'read' | 'export';
  /** Records (people or requests) in this access. */
  records: number;
  /** Records this person read in the preceding bulk window, this access excluded. */
  recentRecords: number;
}

export function insiderAnomalies(policy: InsiderAccessPolicy, facts: PiiAccessFacts): InsiderAnomaly[] {
  const found: InsiderAnomaly[] = [];
  const { weekday, hour } = localTime(facts.at, policy.workingTimeZone);
  if (!policy.workdays.includes(weekday) || hour < policy.startHour || hour >= policy.endHour) found.push('off_hours');
  if (facts.kind === 'export' && facts.records >= policy.bulkExportRecords) found.push('bulk_export');
  // Reported when the threshold is crossed, not for every later read in the same hour.
  if (facts.recentRecords < policy.bulkReadRecords && facts.recentRecords + facts.records >= policy.bulkReadRecords) found.push('bulk_reads');
  return found;
}
