// The embedded mode as a copy of its disk would show it: a unique marker written through the API into
// every encrypted field must appear in no file under the data directory (after the database is
// closed, so everything is checkpointed to disk) and in no server log line — yet read back.
import { randomBytes } from 'node:crypto';
import { mkdtempSync, readdirSync, readFileSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { Writable } from 'node:stream';
import pino from 'pino';
import { describe, expect, it } from 'vitest';
import { loadConfig } from '../../../src/config.js';
import { openDatabase } from '../../../src/db/client.js';
import { buildApp } from '../../../src/http/app.js';
import { loggerOptions } from '../../../src/ops/logger.js';
import { createMetrics } from '../../../src/ops/metrics.js';
import { createUser } from '../../../src/services/accounts.js';
import type { Services } from '../../../src/services/context.js';
import { openKeyring, resolveMasterKey, serviceContext } from '../../../src/services/service-context.js';
import { processSharedState } from '../../../src/db/shared-state.js';
import { NEXT_YEAR } from '../../helpers/fixtures.js';

function filesUnder(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((e) => (e.isDirectory() ? filesUnder(path.join(dir, e.name)) : [path.join(dir, e.name)]));
}

describe('embedded data directory and logs', () => {
  it('hold no trace of a marker written into every encrypted field', async () => {
    const dataDir = mkdtempSync(path.join(tmpdir(), 'wsfr-marker-'));
    const marker = `zqvx${randomBytes(6).toString('hex')}marker`;
    let log = '';
    const logger = pino(
      loggerOptions('debug'),
      new Writable({
        write: (chunk, _e, done) => {
          log += chunk;
          done();
        },
      }),
    );
    const config = loadConfig({ NODE_ENV: 'development', DATA_DIR: dataDir });
    const database = await openDatabase({ kind: 'embedded', dataDir });
    await database.migrate();
    const keyring = await openKeyring(database.db, await resolveMasterKey(config, database.db, logger), config.memberKeyDir);
    const now = () => new Date();
    const shared = processSharedState();
    const services: Services = serviceContext({ db: database.db, config, now, keyring, shared });
    await createUser(services, {
      email: `couple-${marker}@example.test`,
      password: 'long enough password',
      displayName: 'Marker couple',
      role: 'couple',
      timeZone: 'Europe/Dublin',
      phone: '+353 87 000 1111',
    });
    const app = await buildApp({ services, database, logger, metrics: createMetrics(services, () => database.isMigrated()) });

    const login = await app.inject({
      method: 'POST',
      url: '/api/auth/login',
      payload: { email: `couple-${marker}@example.test`, password: 'long enough password' },
    });
    expect(login.statusCode).toBe(200);
    const headers = { cookie: `wsfr_session=${login.cookies[0]!.value}`, 'x-csrf-token': login.json().csrfToken };
    const created = await app.inject({
      method: 'POST',
      url: '/api/feature-requests',
      headers,
      payload: {
        title: 'Seating chart printing',
        description: `Please add ${marker} to the seating chart export.`,
        category: 'seating',
        urgency: 'low',
        painPoints: [`pain ${marker}`],
        weddingContext: {
          weddingDate: `${NEXT_YEAR}-08-21`,
          guestCount: 90,
          country: 'IE',
          timeZone: 'Europe/Dublin',
          venueAddress: `1 ${marker} Street`,
          coupleNames: `Ada ${marker} & Ben`,
        },
      },
    });
    expect(created.statusCode).toBe(201);
    const { id } = created.json();
    expect(
      (await app.inject({ method: 'POST', url: `/api/feature-requests/${id}/comments`, headers, payload: { content: `comment ${marker}` } })).statusCode,
    ).toBe(201);
    // Its author finds it by a word of the description (the public may search titles only).
    expect((await app.inject({ method: 'GET', url: `/api/feature-requests?q=${marker}`, headers })).json().items).toHaveLength(1);
    expect((await app.inject({ method: 'GET', url: `/api/feature-requests/${id}`, headers })).json().weddingContext.venueAddress).toBe(`1 ${marker} Street`);
    await app.close();
    await database.close();

    const files = filesUnder(dataDir);
    expect(files.some((f) => f.includes(`${path.sep}pgdata${path.sep}`))).toBe(true);
    expect(statSync(path.join(dataDir, 'keys', 'master.key')).mode & 0o777).toBe(0o600);
    const holding = files.filter((f) => readFileSync(f).includes(marker));
    expect(holding).toEqual([]);
    expect(log).toMatch(/request completed/);
    expect(log).toMatch(/generated a new encryption master key/);
    expect(log).not.toContain(marker);
  }, 240_000);
});
