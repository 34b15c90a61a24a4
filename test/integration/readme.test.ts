// The README's curl examples, run as written against a fresh `start` (only the port differs).
import { execFileSync, spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { start, type Running } from '../helpers/process.js';

const hasCurl = spawnSync('curl', ['--version']).status === 0;
if (!hasCurl) console.warn('README curl examples not checked: curl is not installed (CI installs it).');

describe.skipIf(!hasCurl && !process.env.CI)('README examples', () => {
  let server: Running | undefined;
  afterAll(() => server?.stop());

  it('every curl example works against a fresh start', async () => {
    const readme = readFileSync('README.md', 'utf8');
    const script = readme.split('With `npm start` running:')[1]!.split('```sh')[1]!.split('```')[0]!;
    const dir = mkdtempSync(path.join(tmpdir(), 'wsfr-readme-'));
    server = await start({ DATA_DIR: path.join(dir, 'data') });
    const port = new URL(server.base).port;
    const output = execFileSync('bash', ['-euo', 'pipefail', '-c', script.replaceAll('localhost:3000', `localhost:${port}`)], { cwd: dir, encoding: 'utf8' });
    const replies = output.split(/(?<=})(?={)/).map((chunk) => JSON.parse(chunk));
    expect(replies[0].items).toHaveLength(3);
    expect(replies.find((r) => r.voted === true)).toMatchObject({ voteCount: 1 });
    expect(replies.find((r) => r.status === 'planned')).toMatchObject({ title: 'Let guests pick a meal when they RSVP' });
    expect(replies.at(-1).columns.planned.map((i: { title: string }) => i.title)).toContain('Let guests pick a meal when they RSVP');
  });
});
