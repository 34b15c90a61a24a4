// The container image's Dockerfile, checked without a Docker engine: the VS Code Dockerfile language
// service's validator (dockerfile-utils) finds syntax and instruction errors, its parser
// (dockerfile-ast) gives the stages and instructions our own policy is asserted on: multi-stage,
// production dependencies only at runtime, not root, a HEALTHCHECK that needs no curl, no secrets,
// one entrypoint for every verb — and a .dockerignore that keeps dependencies, history, data and
// secrets out of the build context.
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { DockerfileParser, type Copy, type Instruction } from 'dockerfile-ast';
import { validate, ValidationSeverity } from 'dockerfile-utils';
import { describe, expect, it } from 'vitest';
import { ROOT } from '../helpers/ops-tools.js';

const DOCKERFILE = readFileSync(path.join(ROOT, 'Dockerfile'), 'utf8');
const DOCKERIGNORE = readFileSync(path.join(ROOT, '.dockerignore'), 'utf8');

interface Stage {
  name: string | null;
  image: string | null;
  instructions: Instruction[];
}

/** The Dockerfile's stages, each with the instructions after its FROM. */
function stages(text: string): Stage[] {
  const dockerfile = DockerfileParser.parse(text);
  const out: Stage[] = [];
  const froms = dockerfile.getFROMs();
  for (const instruction of dockerfile.getInstructions()) {
    const from = froms.find((f) => f.getRange().start.line === instruction.getRange().start.line);
    if (from) out.push({ name: from.getBuildStage(), image: from.getImage(), instructions: [] });
    else out.at(-1)?.instructions.push(instruction);
  }
  return out;
}

const of = (stage: Stage, keyword: string) => stage.instructions.filter((i) => i.getKeyword() === keyword);
const args = (i: Instruction) => i.getArgumentsContent() ?? '';
const execForm = (i: Instruction) => JSON.parse(args(i)) as string[];

/** Our policy; returns what breaks it (empty: none). Exercised below on the real file and on bad ones. */
function policyProblems(text: string): string[] {
  const problems: string[] = [];
  const all = stages(text);
  if (all.length < 2) return ['not multi-stage: one FROM'];
  const build = all[0]!;
  const runtime = all.at(-1)!;
  if (!/^node:20(\.\d+)*-(bookworm-)?slim$|^node:20(\.\d+)*-alpine/.test(runtime.image ?? ''))
    problems.push(`runtime image ${runtime.image}: expected a slim Node 20 image`);
  if (!of(build, 'RUN').some((r) => /\bnpm ci\b/.test(args(r))) || !of(build, 'RUN').some((r) => /\bnpm run build\b/.test(args(r))))
    problems.push('build stage: npm ci and npm run build expected');
  const runtimeInstall = of(runtime, 'RUN').filter((r) => /\bnpm (ci|install|i)\b/.test(args(r)));
  if (runtimeInstall.length === 0) problems.push('runtime stage installs no dependencies');
  for (const r of runtimeInstall) if (!/--omit=dev\b/.test(args(r))) problems.push(`runtime stage installs dev dependencies: ${args(r)}`);
  for (const c of of(runtime, 'COPY')) if (/node_modules/.test(args(c))) problems.push(`runtime stage copies node_modules (with dev dependencies): ${args(c)}`);
  // patch-package runs at postinstall: patches/ must be there before the install.
  const patchesAt = runtime.instructions.findIndex((i) => i.getKeyword() === 'COPY' && /\bpatches\b/.test(args(i)));
  const installAt = runtime.instructions.indexOf(runtimeInstall[0]!);
  if (patchesAt < 0 || patchesAt > installAt) problems.push('runtime stage: patches/ must be copied before npm ci (postinstall runs patch-package)');
  const user = of(runtime, 'USER').at(-1);
  if (!user || /^(root|0)(:|$)/.test(args(user))) problems.push('runtime stage runs as root');
  const health = of(runtime, 'HEALTHCHECK');
  if (health.length !== 1 || !/\/health\b/.test(args(health[0]!)) || /\b(curl|wget)\b/.test(args(health[0]!)))
    problems.push('runtime stage: one HEALTHCHECK on /health without curl/wget expected');
  for (const i of all.flatMap((s) => [...of(s, 'ENV'), ...of(s, 'ARG')])) {
    if (/(SECRET|PASSWORD|TOKEN|MASTER_KEY|ENCRYPTION_KEY|SIGNING_KEY|DATABASE_URL|REDIS_URL)\b/i.test(args(i)))
      problems.push(`secret in ${i.getKeyword()}: ${args(i)}`);
  }
  const entrypoint = of(runtime, 'ENTRYPOINT').at(-1);
  if (!entrypoint || JSON.stringify(execForm(entrypoint)) !== '["node","dist/main.js"]') problems.push('ENTRYPOINT must be ["node","dist/main.js"]');
  const cmd = of(runtime, 'CMD').at(-1);
  if (!cmd || JSON.stringify(execForm(cmd)) !== '["serve"]') problems.push('CMD must be ["serve"]');
  return problems;
}

describe('Dockerfile', () => {
  it('has no errors or warnings from the Dockerfile language service', () => {
    const diagnostics = validate(DOCKERFILE, { instructionJSONInSingleQuotes: ValidationSeverity.ERROR, instructionWorkdirRelative: ValidationSeverity.ERROR });
    expect(diagnostics.map((d) => `line ${d.range.start.line + 1}: ${typeof d.message === 'string' ? d.message : d.message.value}`)).toEqual([]);
  });

  it('the validator finds real mistakes (it is not a no-op)', () => {
    expect(validate('FROM node:20-slim\nCOPY\nEXPOSE abc\n').length).toBeGreaterThan(0);
  });

  it('is multi-stage: builds with dev dependencies, runs on a slim Node image with production dependencies only', () => {
    const all = stages(DOCKERFILE);
    expect(all.map((s) => s.name)).toEqual(['build', 'runtime']);
    expect(policyProblems(DOCKERFILE)).toEqual([]);
  });

  it('copies only the build output and what the runtime reads into the runtime stage', () => {
    const runtime = stages(DOCKERFILE).at(-1)!;
    // The parser returns COPY instructions as Copy instances, typed as their base class.
    const fromBuild = of(runtime, 'COPY')
      // eslint-disable-next-line @typescript-eslint/no-unsafe-class-instance-assignment
      .filter((c) => (c as Copy).getFromFlag()?.getValue() === 'build')
      .map(args);
    expect(fromBuild).toEqual(['/src/dist ./dist', '/src/web/dist ./web/dist']);
    // The database migrations are read at run time (migrate verb).
    expect(of(runtime, 'COPY').some((c) => args(c) === 'migrations ./migrations')).toBe(true);
  });

  it('the policy check rejects an image that breaks it', () => {
    const bad = (from: string, to: string) => {
      expect(DOCKERFILE).toContain(from);
      return policyProblems(DOCKERFILE.replace(from, to));
    };
    expect(bad('USER node', 'USER root')).toEqual(['runtime stage runs as root']);
    expect(bad('npm ci --omit=dev', 'npm ci')[0]).toMatch(/installs dev dependencies/);
    expect(bad('CMD ["serve"]', 'CMD ["start"]')).toEqual(['CMD must be ["serve"]']);
    expect(bad('ENV NODE_ENV=production', 'ENV METRICS_TOKEN=abcdefabcdefabcdef NODE_ENV=production')[0]).toMatch(/secret in ENV/);
    expect(bad('COPY --from=build /src/dist ./dist', 'COPY --from=build /src/node_modules ./node_modules')[0]).toMatch(/copies node_modules/);
    expect(policyProblems('FROM node:20-slim\nCMD ["serve"]\n')).toEqual(['not multi-stage: one FROM']);
  });

  it('.dockerignore keeps dependencies, history, data and secrets out of the build context', () => {
    const ignored = DOCKERIGNORE.split('\n')
      .map((l) => l.trim())
      .filter((l) => l && !l.startsWith('#'));
    for (const entry of ['node_modules', '.git', 'data', '.env', 'dist']) expect(ignored).toContain(entry);
    // Nothing the build needs is excluded.
    for (const needed of ['src', 'web', 'scripts', 'patches', 'migrations', 'package.json', 'package-lock.json', 'tsconfig.json'])
      expect(ignored).not.toContain(needed);
  });
});
