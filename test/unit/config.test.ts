import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { ConfigError, loadConfig } from '../../src/config.js';
import { QUEUES } from '../../src/queue/queue.js';

describe('configuration', () => {
  it('has working defaults: embedded database in ./data on port 3000', () => {
    const config = loadConfig({});
    expect(config.port).toBe(3000);
    expect(config.dataDir).toBe(path.resolve('./data'));
    expect(config.databaseUrl).toBeUndefined();
    expect(config.boardVisibility).toBe('public');
    expect(config.categories).toHaveLength(14);
  });

  it('converts and validates values from the environment', () => {
    const config = loadConfig({ PORT: '8080', BOARD_VISIBILITY: 'members', COOKIE_SECURE: 'false', CATEGORIES: 'rsvp,seating' });
    expect(config).toMatchObject({ port: 8080, boardVisibility: 'members', cookieSecure: false, categories: ['rsvp', 'seating'] });
  });

  it('names every bad variable, and never prints a secret', () => {
    try {
      loadConfig({ PORT: 'eighty', LOG_LEVEL: 'loud', DATABASE_URL: 'mysql://user:hunter2@db/x' });
      expect.fail('should have thrown');
    } catch (err) {
      expect(err).toBeInstanceOf(ConfigError);
      const message = (err as Error).message;
      expect(message).toMatch(/PORT="eighty"/);
      expect(message).toMatch(/LOG_LEVEL="loud"/);
      expect(message).toMatch(/DATABASE_URL=\(hidden\)/);
      expect(message).not.toMatch(/hunter2/);
    }
  });

  it('reads the worker settings the Kubernetes manifests set: QUEUE_NAMES, CONCURRENCY (or WORKER_CONCURRENCY), WEDDING_SEASON_BOOST', () => {
    expect(loadConfig({})).toMatchObject({ workerQueues: [...QUEUES], workerConcurrency: 4, weddingSeasonBoost: false, scalingBaselineRps: 20 });
    expect(
      loadConfig({ QUEUE_NAMES: 'ai_analysis,duplicate_detection,ai_analysis', CONCURRENCY: '10', WEDDING_SEASON_BOOST: 'true', SCALING_BASELINE_RPS: '35.5' }),
    ).toMatchObject({
      workerQueues: ['ai_analysis', 'duplicate_detection'],
      workerConcurrency: 10,
      weddingSeasonBoost: true,
      scalingBaselineRps: 35.5,
    });
    expect(loadConfig({ WORKER_CONCURRENCY: '6' }).workerConcurrency).toBe(6);
    expect(loadConfig({ WORKER_CONCURRENCY: '6', CONCURRENCY: '6' }).workerConcurrency).toBe(6);
    expect(() => loadConfig({ WORKER_CONCURRENCY: '6', CONCURRENCY: '8' })).toThrow(/CONCURRENCY=8: WORKER_CONCURRENCY says 6; set one of them/);
    expect(() => loadConfig({ QUEUE_NAMES: 'duplicate_detection,bulk_email' })).toThrow(
      /QUEUE_NAMES="duplicate_detection,bulk_email": unknown queue bulk_email/,
    );
    expect(() => loadConfig({ CONCURRENCY: '0' })).toThrow(/CONCURRENCY=0: /);
    expect(() => loadConfig({ SCALING_BASELINE_RPS: '0' })).toThrow(/SCALING_BASELINE_RPS=0: /);
  });

  it('gives job workers short leases kept alive by heartbeats, and refuses a heartbeat too slow for its lease', () => {
    expect(loadConfig({})).toMatchObject({ jobLeaseMs: 30_000, jobHeartbeatMs: 10_000 });
    expect(loadConfig({ JOB_LEASE_SECONDS: '10', JOB_HEARTBEAT_SECONDS: '5' })).toMatchObject({ jobLeaseMs: 10_000, jobHeartbeatMs: 5_000 });
    expect(() => loadConfig({ JOB_LEASE_SECONDS: '15' })).toThrow(/JOB_HEARTBEAT_SECONDS=10: must be at most half of JOB_LEASE_SECONDS \(15\)/);
    expect(() => loadConfig({ JOB_LEASE_SECONDS: 'soon' })).toThrow(/JOB_LEASE_SECONDS="soon"/);
  });

  it('rejects an unknown wedding season region', () => {
    expect(() => loadConfig({ SEASON_REGION: 'atlantis' })).toThrow(/SEASON_REGION/);
  });

  it('keeps backups beside the data directory, never inside its keys or database, with a 90-day retention', () => {
    const config = loadConfig({ DATA_DIR: '/srv/wedsync/data' });
    expect(config).toMatchObject({ backupDir: '/srv/wedsync/data-backups', backupRetentionDays: 90, backupEncryptionKey: undefined });
    expect(loadConfig({ DATA_DIR: '/srv/wedsync/data', BACKUP_DIR: '/mnt/backups' }).backupDir).toBe('/mnt/backups');
    expect(() => loadConfig({ DATA_DIR: '/srv/d', BACKUP_DIR: '/srv/d/keys/backups' })).toThrow(
      /BACKUP_DIR="\/srv\/d\/keys\/backups": must not be inside DATA_DIR\/keys/,
    );
    expect(() => loadConfig({ DATA_DIR: '/srv/d', BACKUP_DIR: '/srv/d/pgdata/x' })).toThrow(/BACKUP_DIR=.*database files/);
    expect(() => loadConfig({ BACKUP_RETENTION_DAYS: '0' })).toThrow(/BACKUP_RETENTION_DAYS/);
    const key = Buffer.alloc(32, 7);
    expect(loadConfig({ BACKUP_ENCRYPTION_KEY: key.toString('base64') }).backupEncryptionKey).toEqual(key);
    try {
      loadConfig({ BACKUP_ENCRYPTION_KEY: 'too-short-s3cret' });
      expect.fail('should have thrown');
    } catch (err) {
      expect((err as Error).message).toMatch(/BACKUP_ENCRYPTION_KEY=\(hidden\)/);
      expect((err as Error).message).not.toMatch(/s3cret/);
    }
  });

  it('reads secrets from NAME_FILE (mounted Kubernetes secrets)', () => {
    const dir = mkdtempSync(path.join(tmpdir(), 'wsfr-config-'));
    const file = path.join(dir, 'db-url');
    writeFileSync(file, 'postgres://app:s3cret@db.internal:5432/wedsync\n');
    expect(loadConfig({ DATABASE_URL_FILE: file }).databaseUrl).toBe('postgres://app:s3cret@db.internal:5432/wedsync');
    expect(() => loadConfig({ DATABASE_URL_FILE: path.join(dir, 'missing') })).toThrow(/DATABASE_URL_FILE/);
  });
});
