// The operator command registry's argument handling: which command a command line names, what
// each accepts, and that a usage problem is exit 64 before any database is touched.
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { STATUS_TEMPLATES } from '../../../src/domain/status-announcements.js';
import {
  envFor,
  findCommand,
  OPERATOR_COMMANDS,
  runOperatorCommand,
  UsageError,
  usageOf,
  type OperatorCommand,
  type OperatorContext,
} from '../../../src/operator/commands.js';

const commandNamed = (name: string): OperatorCommand => {
  const found = OPERATOR_COMMANDS.find((c) => c.name === name);
  if (!found) throw new Error(`no command ${name}`);
  return found;
};

const parse = (argv: string[], env: Record<string, string> = {}) => {
  const found = findCommand(argv);
  if (!found) throw new Error(`nothing matches ${argv.join(' ')}`);
  return { name: found.command.name, input: found.command.parse(found.args, env) };
};

describe('operator command registry', () => {
  it('has one entry per name, and every verb that reads or writes the database', () => {
    const names = OPERATOR_COMMANDS.map((c) => c.name);
    expect(new Set(names).size).toBe(names.length);
    for (const verb of [
      'verify-supplier',
      'create-user',
      'gdpr export',
      'gdpr erase',
      'gdpr restrict',
      'audit verify',
      'rotate-keys',
      'jobs dead',
      'jobs replay',
      'seed-demo',
      'migrate',
      'status incident open',
      'status incident resolve',
      'export-requests',
      'import-requests',
    ]) {
      expect(names).toContain(verb);
    }
  });

  it('cache purge: every tag by default, only known tags', () => {
    expect(parse(['cache', 'purge'])).toEqual({ name: 'cache purge', input: ['feature-requests', 'ai-analysis', 'roadmap'] });
    expect(parse(['cache', 'purge', 'roadmap', 'roadmap'])).toEqual({ name: 'cache purge', input: ['roadmap'] });
    expect(() => parse(['cache', 'purge', 'everything'])).toThrow(UsageError);
  });

  it('export-requests and import-requests: formats, mappings and paths checked before the database', () => {
    expect(parse(['export-requests', '--format', 'csv', '--out', 'board.csv'])).toEqual({
      name: 'export-requests',
      input: { format: 'csv', out: path.resolve('board.csv'), status: undefined, justification: undefined },
    });
    expect(() => parse(['export-requests', '--format', 'xlsx', '--out', 'b.xlsx'])).toThrow(UsageError);
    expect(() => parse(['export-requests', '--format', 'json'])).toThrow(/--out/);
    expect(() => parse(['export-requests', '--format', 'json', '--out', 'b.json', '--status', 'lost'])).toThrow(UsageError);
    expect(parse(['import-requests', '--file', 'posts.csv', '--mapping', 'fider', '--dry-run'])).toMatchObject({
      input: { file: path.resolve('posts.csv'), mapping: 'fider', dryRun: true },
    });
    expect(parse(['import-requests', '--file', 'a.csv', '--mapping', '{"externalId":"Id","title":"Name"}'])).toMatchObject({
      input: { mapping: { externalId: 'Id', title: 'Name' }, dryRun: false },
    });
    expect(() => parse(['import-requests', '--file', 'a.csv', '--mapping', 'canny'])).toThrow(UsageError);
    expect(() => parse(['import-requests', '--file', 'a.csv', '--mapping', '{"title":"Name"}'])).toThrow(/externalId/);
    expect(() => parse(['import-requests', '--file', 'a.csv', '--mapping', '{"externalId":"Id","title":"Name","votes":"v"}'])).toThrow(UsageError);
    expect(() => parse(['import-requests', '--file', 'a.csv', '--mapping', 'fider', '--user-type', 'product_team'])).toThrow(UsageError);
  });

  it('finds the command by its words and passes on the rest', () => {
    expect(findCommand(['jobs', 'replay', 'abc'])).toMatchObject({ command: { name: 'jobs replay' }, args: ['abc'] });
    expect(findCommand(['status', 'incident', 'open', '--template', 'x'])).toMatchObject({
      command: { name: 'status incident open' },
      args: ['--template', 'x'],
    });
    expect(findCommand(['jobs'])).toBeNull();
    expect(findCommand(['status', 'incident'])).toBeNull();
    expect(findCommand(['elope'])).toBeNull();
  });

  it('prefers the longest name when one is a prefix of another', () => {
    const commands = [commandNamed('jobs dead'), { ...commandNamed('jobs dead'), name: 'jobs' }];
    expect(findCommand(['jobs', 'dead'], commands)?.command.name).toBe('jobs dead');
    expect(findCommand(['jobs', 'alive'], commands)).toMatchObject({ command: { name: 'jobs' }, args: ['alive'] });
  });

  it('takes positional arguments exactly', () => {
    expect(parse(['verify-supplier', 'florist@example.test']).input).toBe('florist@example.test');
    expect(() => parse(['verify-supplier'])).toThrow(/missing EMAIL/);
    expect(() => parse(['verify-supplier', 'a@example.test', 'b@example.test'])).toThrow(/unexpected argument "b@example.test"/);
    expect(() => parse(['jobs', 'dead', 'now'])).toThrow(UsageError);
    expect(parse(['gdpr', 'restrict', 'a@example.test', 'on']).input).toEqual({ email: 'a@example.test', restricted: true });
    expect(parse(['gdpr', 'restrict', 'a@example.test', 'off']).input).toEqual({ email: 'a@example.test', restricted: false });
    expect(() => parse(['gdpr', 'restrict', 'a@example.test', 'maybe'])).toThrow(/neither on nor off/);
  });

  it('reads the new account password from the environment, never from the arguments', () => {
    const argv = ['create-user', 'team@example.test', 'product_team', 'Pat Planner', 'Europe/London'];
    expect(() => parse(argv)).toThrow(/set NEW_USER_PASSWORD/);
    expect(parse(argv, { NEW_USER_PASSWORD: 'long-enough-password' }).input).toEqual({
      email: 'team@example.test',
      role: 'product_team',
      displayName: 'Pat Planner',
      timeZone: 'Europe/London',
      password: 'long-enough-password',
    });
    expect(() => parse(['create-user', 'x@example.test', 'bride', 'X', 'UTC'], { NEW_USER_PASSWORD: 'p' })).toThrow(/ROLE must be one of/);
    // Forwarded to a running server: the declared variable and nothing else from the environment.
    expect(envFor(commandNamed('create-user'), { NEW_USER_PASSWORD: 'secret', HOME: '/root', ENCRYPTION_MASTER_KEY: 'k' })).toEqual({
      NEW_USER_PASSWORD: 'secret',
    });
    expect(envFor(commandNamed('verify-supplier'), { NEW_USER_PASSWORD: 'secret' })).toEqual({});
  });

  it('takes a known template and an optional message for status incident mode', () => {
    expect(parse(['status', 'incident', 'open', '--template', 'wedding_day_outage']).input).toEqual({ template: 'wedding_day_outage', update: undefined });
    expect(parse(['status', 'incident', 'open', '--template=data_corruption_discovered', '--message', 'Next update 15:00 UTC.']).input).toEqual({
      template: 'data_corruption_discovered',
      update: 'Next update 15:00 UTC.',
    });
    expect(() => parse(['status', 'incident', 'open'])).toThrow(/missing --template/);
    expect(() => parse(['status', 'incident', 'open', '--template', 'alien_invasion'])).toThrow(
      /unknown template "alien_invasion": one of wedding_day_outage, data_corruption_discovered/,
    );
    expect(() => parse(['status', 'incident', 'open', '--template', 'wedding_day_outage', '--severity', 'low'])).toThrow(UsageError);
    expect(() => parse(['status', 'incident', 'open', '--template', 'wedding_day_outage', 'extra'])).toThrow(UsageError);
    expect(parse(['status', 'incident', 'resolve']).input).toBeUndefined();
    expect(parse(['status', 'incident', 'resolve', '--message', 'All clear']).input).toBe('All clear');
    expect(STATUS_TEMPLATES.wedding_day_outage).toBe(
      'We are experiencing technical difficulties and are working urgently to restore service. Your wedding day is our priority.',
    );
  });

  it("answers a usage problem with exit 64 and the command's usage, without running it", async () => {
    // No services: a command that got as far as running would fail on them.
    const result = await runOperatorCommand({} as OperatorContext, commandNamed('jobs replay'), [], {});
    expect(result).toEqual({ exitCode: 64, error: `jobs replay: missing JOB_ID\n${usageOf(commandNamed('jobs replay'))}` });
    expect(usageOf(commandNamed('jobs replay'))).toBe('Usage: node dist/main.js jobs replay JOB_ID');
    expect(usageOf(commandNamed('rotate-keys'))).toBe('Usage: node dist/main.js rotate-keys');
  });
});

describe('the command line', () => {
  it('dispatches every operator verb, and names no verb the registry lacks', () => {
    const main = readFileSync(path.join(import.meta.dirname, '../../../src/main.ts'), 'utf8');
    const cases = new Set([...main.matchAll(/^\s*case '([a-z-]+)':/gm)].map((m) => m[1]!));
    const processVerbs = ['drill', 'restore', 'archive-wal', 'restore-wal', 'start', 'serve', 'worker'];
    const registryVerbs = new Set(OPERATOR_COMMANDS.map((c) => c.name.split(' ')[0]!));
    expect([...cases].filter((v) => !processVerbs.includes(v)).sort()).toEqual([...registryVerbs].sort());
  });
});
