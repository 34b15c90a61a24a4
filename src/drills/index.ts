// `node dist/main.js drill <scenario> [--json] [--mode embedded|cluster] [--duration S] [--keep] [--report-dir DIR]`
// (`npm run drill -- …` builds first). Runs one DR drill on this machine, on loopback only, writes
// drill-reports/<scenario>-<time>.json and .md, and exits 0 only when every check passed. With
// --json the last line printed is the report as one JSON object.
import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { drillReport, markdownSummary } from './report.js';
import { DRILL_SCENARIOS } from './scenarios/index.js';
import type { DrillContext } from './types.js';

export const DRILL_USAGE = `drill <scenario> [--json] [--mode embedded|cluster] [--duration SECONDS] [--keep] [--report-dir DIR]
    scenarios: ${DRILL_SCENARIOS.map((s) => s.name).join(', ')}`;

interface DrillArgs {
  scenario: string;
  json: boolean;
  durationMs: number;
  keep: boolean;
  reportDir: string;
  mode: DrillContext['mode'];
}

function parseArgs(args: string[]): DrillArgs | string {
  const [scenario, ...rest] = args;
  if (!scenario) return 'name a scenario';
  const parsed: DrillArgs = { scenario, json: false, durationMs: 20_000, keep: false, reportDir: 'drill-reports', mode: undefined };
  for (let i = 0; i < rest.length; i++) {
    const flag = rest[i];
    if (flag === '--json') parsed.json = true;
    else if (flag === '--keep') parsed.keep = true;
    else if (flag === '--duration') {
      const seconds = Number(rest[++i]);
      if (!Number.isFinite(seconds) || seconds < 5 || seconds > 3600) return '--duration takes 5 to 3600 seconds';
      parsed.durationMs = seconds * 1000;
    } else if (flag === '--mode' && (rest[i + 1] === 'embedded' || rest[i + 1] === 'cluster')) parsed.mode = rest[++i] as DrillContext['mode'];
    else if (flag === '--report-dir' && rest[i + 1]) parsed.reportDir = rest[++i]!;
    else return `unknown option ${flag}`;
  }
  return parsed;
}

export async function runDrill(args: string[], { root, seasonRegion }: { root: string; seasonRegion: string }): Promise<number> {
  const parsed = parseArgs(args);
  if (typeof parsed === 'string') {
    console.error(`${parsed}\nusage: ${DRILL_USAGE}`);
    return 64;
  }
  const scenario = DRILL_SCENARIOS.find((s) => s.name === parsed.scenario);
  if (!scenario) {
    console.error(`no drill "${parsed.scenario}"\nusage: ${DRILL_USAGE}`);
    return 64;
  }
  const workDir = await mkdtemp(path.join(os.tmpdir(), `wsfr-drill-${scenario.name}-`));
  const started = new Date();
  const log = (message: string) => console.error(`${new Date().toISOString().slice(11, 23)} ${message}`);
  const ctx: DrillContext = {
    root,
    workDir,
    log,
    durationMs: parsed.durationMs,
    mode: parsed.mode,
    adminDatabaseUrl: process.env.DRILL_DATABASE_URL ?? 'postgres://postgres@127.0.0.1:5432/postgres',
  };
  log(`drill ${scenario.name}: ${scenario.summary} (work dir ${workDir})`);
  try {
    const outcome = await scenario.run(ctx);
    const report = drillReport(scenario, outcome, { startedAt: started, finishedAt: new Date(), seasonRegion });
    await mkdir(parsed.reportDir, { recursive: true });
    const base = path.join(parsed.reportDir, `${scenario.name}-${started.toISOString().replace(/[:.]/g, '-')}`);
    const markdown = markdownSummary(report);
    await writeFile(`${base}.json`, `${JSON.stringify(report, null, 2)}\n`);
    await writeFile(`${base}.md`, `${markdown}\n`);
    log(`reports: ${base}.json, ${base}.md`);
    if (parsed.json) {
      console.error(markdown);
      console.log(JSON.stringify(report));
    } else {
      console.log(markdown);
    }
    return report.passed ? 0 : 1;
  } finally {
    if (parsed.keep) log(`kept ${workDir}`);
    else await rm(workDir, { recursive: true, force: true }).catch(() => undefined);
  }
}
