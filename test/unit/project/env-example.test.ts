import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { ENV_NAMES, loadConfig } from '../../../src/config.js';

const example = readFileSync(new URL('../../../.env.example', import.meta.url), 'utf8');
/** `NAME=value` lines, commented out or not. */
const assignments = [...example.matchAll(/^#? ?([A-Z][A-Z0-9_]*)=(.*)$/gm)].map(([, name, value]) => ({ name: name!, value: value! }));

describe('.env.example', () => {
  it('names every variable the configuration reads, NAME_FILE forms included', () => {
    const named = new Set(example.match(/\b[A-Z][A-Z0-9_]+\b/g));
    expect(ENV_NAMES.filter((name) => !named.has(name))).toEqual([]);
  });

  it('assigns only variables the configuration reads', () => {
    expect(assignments.length).toBeGreaterThan(40);
    expect(assignments.map((a) => a.name).filter((name) => !ENV_NAMES.includes(name))).toEqual([]);
  });

  it('shows defaults the configuration accepts, and no secret values', () => {
    const env = Object.fromEntries(assignments.filter((a) => a.value !== '').map((a) => [a.name, a.value]));
    expect(() => loadConfig(env)).not.toThrow();
    for (const secret of [
      'DATABASE_URL',
      'ENCRYPTION_MASTER_KEY',
      'AUDIT_SIGNING_KEY',
      'BACKUP_ENCRYPTION_KEY',
      'METRICS_TOKEN',
      'REDIS_PASSWORD',
      'DEMO_PASSWORD',
    ]) {
      expect(env[secret], secret).toBeUndefined();
    }
  });
});
