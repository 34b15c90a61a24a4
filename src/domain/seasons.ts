// Wedding seasons: when the platform must not fail. Pure and data-driven: a new market is a new
// calendar entry, not new code.

export interface WeddingSeasonCalendarEntry {
  region: string;
  description: string;
  /** Months (1–12, in the wedding's local time) when weddings peak. */
  peakMonths: readonly number[];
  /** ISO 3166-1 alpha-2 countries that follow this calendar. */
  countries: readonly string[];
  /** How much busier the platform is in peak season (the brief: 40% more requests May–October). */
  peakMultiplier: number;
  /** Time zone used when no wedding-specific one is known. */
  defaultTimeZone: string;
}

export const WEDDING_SEASON_CALENDAR: readonly WeddingSeasonCalendarEntry[] = [
  {
    region: 'northern_hemisphere',
    description: 'Europe and North America: May–October',
    peakMonths: [5, 6, 7, 8, 9, 10],
    countries: [],
    peakMultiplier: 1.4,
    defaultTimeZone: 'UTC',
  },
  {
    region: 'southern_hemisphere',
    description: 'Australia, New Zealand, South Africa, South America: November–April',
    peakMonths: [11, 12, 1, 2, 3, 4],
    countries: ['AU', 'NZ', 'ZA', 'AR', 'CL', 'UY', 'BR', 'PY'],
    peakMultiplier: 1.4,
    defaultTimeZone: 'Australia/Sydney',
  },
  {
    region: 'indian_subcontinent',
    description: 'India, Nepal, Bangladesh, Sri Lanka: October–February (auspicious dates)',
    peakMonths: [10, 11, 12, 1, 2],
    countries: ['IN', 'NP', 'BD', 'LK'],
    peakMultiplier: 1.6,
    defaultTimeZone: 'Asia/Kolkata',
  },
];

/** The calendar used when a country is unknown or listed nowhere. */
export const DEFAULT_SEASON_REGION = 'northern_hemisphere';

/** Saturday 10:00–22:00 local time: wedding days in progress. */
export const CRITICAL_HOURS = { weekday: 6, fromHour: 10, toHour: 22 } as const;
export const CRITICAL_HOURS_MULTIPLIER = 1.5;

export type Season = 'peak' | 'off';

export interface SeasonStatus {
  region: string;
  season: Season;
  criticalHours: boolean;
  multiplier: number;
}

const byRegion: ReadonlyMap<string, WeddingSeasonCalendarEntry> = new Map(WEDDING_SEASON_CALENDAR.map((e) => [e.region, e]));
const byCountry: ReadonlyMap<string, WeddingSeasonCalendarEntry> = new Map(WEDDING_SEASON_CALENDAR.flatMap((e) => e.countries.map((c) => [c, e] as const)));

export function isKnownRegion(region: string): boolean {
  return byRegion.has(region);
}

export function regionForCountry(country: string | null | undefined): string {
  return (country && byCountry.get(country.toUpperCase())?.region) || DEFAULT_SEASON_REGION;
}

function calendarFor(region: string): WeddingSeasonCalendarEntry {
  const entry = byRegion.get(region) ?? byRegion.get(DEFAULT_SEASON_REGION);
  if (!entry) throw new Error(`no wedding season calendar for ${region}`);
  return entry;
}

const formatters = new Map<string, Intl.DateTimeFormat>();

/** Month (1–12), weekday (0 = Sunday) and hour of an instant in a time zone. */
export function localTime(instant: Date, timeZone: string): { month: number; weekday: number; hour: number } {
  let fmt = formatters.get(timeZone);
  if (!fmt) {
    fmt = new Intl.DateTimeFormat('en-US', { timeZone, month: 'numeric', weekday: 'short', hour: 'numeric', hourCycle: 'h23' });
    formatters.set(timeZone, fmt);
  }
  const parts = Object.fromEntries(fmt.formatToParts(instant).map((p) => [p.type, p.value]));
  return {
    month: Number(parts.month),
    weekday: ['Sun', 'Mon', 'Tue', 'Wed', 'Thu', 'Fri', 'Sat'].indexOf(parts.weekday ?? ''),
    hour: Number(parts.hour),
  };
}

export function isValidTimeZone(timeZone: string): boolean {
  if (formatters.has(timeZone)) return true; // localTime already used it
  try {
    new Intl.DateTimeFormat('en-US', { timeZone });
    return true;
  } catch {
    return false;
  }
}

export function isCriticalHours(instant: Date, timeZone: string): boolean {
  const { weekday, hour } = localTime(instant, timeZone);
  return weekday === CRITICAL_HOURS.weekday && hour >= CRITICAL_HOURS.fromHour && hour < CRITICAL_HOURS.toHour;
}

export function seasonStatus(instant: Date, region: string, timeZone?: string): SeasonStatus {
  const entry = calendarFor(region);
  // A zone stored before sign-up checked it ("Mars/Olympus") reads as the region's, not as a 500.
  const zone = timeZone && isValidTimeZone(timeZone) ? timeZone : entry.defaultTimeZone;
  const { month } = localTime(instant, zone);
  const season: Season = entry.peakMonths.includes(month) ? 'peak' : 'off';
  const criticalHours = isCriticalHours(instant, zone);
  const multiplier = (season === 'peak' ? entry.peakMultiplier : 1) * (criticalHours ? CRITICAL_HOURS_MULTIPLIER : 1);
  return { region: entry.region, season, criticalHours, multiplier: Math.round(multiplier * 100) / 100 };
}
