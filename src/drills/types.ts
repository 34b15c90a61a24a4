// What a DR drill is: a scenario that starts the processes it needs, applies a steady load, injects
// one fault, and measures what clients saw. The runner (src/drills/index.ts) turns the outcome into
// the JSON and Markdown reports and checks it against the brief's objectives and ours.

export interface DrillContext {
  /** The project root (dist/main.js is started from here). */
  root: string;
  /** A fresh directory for this run's data, logs and servers; removed afterwards unless kept. */
  workDir: string;
  /** Progress lines for the operator (stderr; never the JSON line). */
  log(message: string): void;
  /** How long the steady load runs before the fault, and at most after it. */
  durationMs: number;
  /** A PostgreSQL server on which the drill may create and drop a database of its own. */
  adminDatabaseUrl: string;
  /** `--mode`: which way the product runs; each scenario has its default. */
  mode: 'embedded' | 'cluster' | undefined;
}

export interface DrillCheck {
  name: string;
  ok: boolean;
  detail: string;
}

/** What a scenario measured. Times are milliseconds. */
export interface DrillOutcome {
  /** Fault injected → first successful write sent after it. */
  rtoMs: number | null;
  acknowledgedWrites: number;
  /** Acknowledged writes missing afterwards. */
  lostWrites: number;
  /** Writes stored more than once (a retry that was not recognised as one). */
  duplicates: number;
  /** Failed attempts during the drill, by HTTP status or `network` / `timeout`. */
  errorsByStatus: Record<string, number>;
  /** p95 of writes before the fault, and how long after the fault the p95 was back near it. */
  p95BaselineMs: number | null;
  p95NormalAfterMs: number | null;
  /** Scenario-specific checks (beyond lost writes and RTO) that must hold for the drill to pass. */
  checks: DrillCheck[];
  /** Our own RTO target for this scenario (the brief's comes from the season). */
  rtoTargetMs: number;
  /** What was done, for the report: the fault, the setup, extra figures. */
  details: Record<string, unknown>;
}

export interface DrillScenario {
  name: string;
  summary: string;
  run(ctx: DrillContext): Promise<DrillOutcome>;
}
