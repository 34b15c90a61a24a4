import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { loadConfig } from '../../src/config.js';

const provider = { OIDC_ISSUER: 'https://login.weddingco.example', OIDC_CLIENT_ID: 'wedsync', OIDC_CLIENT_SECRET: 'client-secret-value' };

describe('OpenID Connect configuration', () => {
  it('is off by default, with password sign-in for everyone', () => {
    expect(loadConfig({})).toMatchObject({ oidc: undefined, localLoginForStaff: true });
  });

  it('reads the provider, its name, scopes, role mapping and staff domains', () => {
    const config = loadConfig({
      ...provider,
      OIDC_ROLE_CLAIM: 'groups',
      OIDC_ROLE_MAP: 'wedsync-product=product_team, product-leads=product_team',
      OIDC_STAFF_EMAIL_DOMAINS: 'WeddingCo.example,events.example',
      OIDC_SCOPES: 'email groups',
      LOCAL_LOGIN_FOR_STAFF: 'false',
    });
    expect(config.localLoginForStaff).toBe(false);
    expect(config.oidc).toEqual({
      issuer: 'https://login.weddingco.example',
      clientId: 'wedsync',
      clientSecret: 'client-secret-value',
      providerName: 'login.weddingco.example',
      scopes: 'openid email groups',
      roleClaim: 'groups',
      roleMap: { 'wedsync-product': 'product_team', 'product-leads': 'product_team' },
      staffEmailDomains: ['weddingco.example', 'events.example'],
    });
  });

  it('reads the client secret from OIDC_CLIENT_SECRET_FILE and never prints it', () => {
    const file = path.join(mkdtempSync(path.join(tmpdir(), 'wsfr-oidc-')), 'secret');
    writeFileSync(file, 'from-a-mounted-secret\n');
    expect(loadConfig({ ...provider, OIDC_CLIENT_SECRET: undefined, OIDC_CLIENT_SECRET_FILE: file }).oidc?.clientSecret).toBe('from-a-mounted-secret');
  });

  it('refuses incomplete or unsafe settings, naming the variable', () => {
    expect(() => loadConfig({ OIDC_ISSUER: provider.OIDC_ISSUER })).toThrow(/set all three or none/);
    expect(() => loadConfig({ ...provider, OIDC_ISSUER: 'http://login.weddingco.example' })).toThrow(/OIDC_ISSUER=.*must be https/);
    expect(loadConfig({ ...provider, OIDC_ISSUER: 'http://127.0.0.1:9000' }).oidc?.issuer).toBe('http://127.0.0.1:9000');
    expect(() => loadConfig({ LOCAL_LOGIN_FOR_STAFF: 'false' })).toThrow(/LOCAL_LOGIN_FOR_STAFF=false: needs OIDC_ISSUER/);
    expect(() => loadConfig({ ...provider, OIDC_ROLE_CLAIM: 'groups', OIDC_ROLE_MAP: 'admins=ai_system', OIDC_STAFF_EMAIL_DOMAINS: 'x.example' })).toThrow(
      /OIDC_ROLE_MAP: expected value=role pairs/,
    );
    expect(() => loadConfig({ ...provider, OIDC_ROLE_CLAIM: 'groups', OIDC_ROLE_MAP: 'admins' })).toThrow(/OIDC_ROLE_MAP: expected/);
    expect(() => loadConfig({ ...provider, OIDC_ROLE_MAP: 'admins=product_team', OIDC_STAFF_EMAIL_DOMAINS: 'x.example' })).toThrow(/needs OIDC_ROLE_CLAIM/);
    expect(() => loadConfig({ ...provider, OIDC_ROLE_CLAIM: 'groups', OIDC_ROLE_MAP: 'admins=product_team' })).toThrow(/needs OIDC_STAFF_EMAIL_DOMAINS/);
    // A problem with the other settings never prints the secret.
    expect(() => loadConfig({ ...provider, OIDC_ISSUER: 'http://login.weddingco.example' })).toThrow(
      expect.objectContaining({ message: expect.not.stringContaining('client-secret-value') }),
    );
  });
});
