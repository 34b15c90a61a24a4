import { describe, expect, it } from 'vitest';
import { parseRoleMap, staffRoleFor, type RolePolicy } from '../../../src/domain/oidc-roles.js';

const policy: RolePolicy = { roleClaim: 'groups', roleMap: { 'wedsync-product': 'product_team' }, staffEmailDomains: ['weddingco.example'] };
const staff = (email: string, emailVerified = true, groups: unknown = ['everyone', 'wedsync-product']) => ({ email, emailVerified, roleClaimValue: groups });

describe('staff roles through single sign-on', () => {
  it('grants a mapped role to a verified address in an allowed domain, from a list or a single value', () => {
    expect(staffRoleFor(staff('jo@weddingco.example'), policy)).toEqual({ staffRole: 'product_team' });
    expect(staffRoleFor(staff('jo@WeddingCo.example', true, 'wedsync-product'), policy)).toEqual({ staffRole: 'product_team' });
  });

  it('refuses a mapped role for another domain (also a look-alike suffix) or an unverified address', () => {
    expect(staffRoleFor(staff('jo@gmail.example'), policy)).toEqual({ refused: 'staff_domain_not_allowed' });
    expect(staffRoleFor(staff('jo@evil-weddingco.example'), policy)).toEqual({ refused: 'staff_domain_not_allowed' });
    expect(staffRoleFor(staff('jo@sub.weddingco.example'), policy)).toEqual({ refused: 'staff_domain_not_allowed' });
    expect(staffRoleFor(staff('jo@weddingco.example', false), policy)).toEqual({ refused: 'staff_email_unverified' });
    expect(staffRoleFor({ email: undefined, emailVerified: true, roleClaimValue: ['wedsync-product'] }, policy)).toEqual({ refused: 'staff_email_unverified' });
  });

  it('gives no staff role without a mapped value, a role claim, or with values of other types', () => {
    expect(staffRoleFor(staff('jo@gmail.example', false, ['everyone']), policy)).toEqual({ staffRole: null });
    expect(staffRoleFor(staff('jo@weddingco.example', true, { 'wedsync-product': true }), policy)).toEqual({ staffRole: null });
    expect(staffRoleFor(staff('jo@weddingco.example'), { ...policy, roleClaim: undefined })).toEqual({ staffRole: null });
    // A claim value that happens to be an object key must not map (no prototype lookups).
    expect(staffRoleFor(staff('jo@weddingco.example', true, ['constructor', 'toString']), policy)).toEqual({ staffRole: null });
  });

  it('parses the mapping, refusing malformed pairs and non-staff roles', () => {
    expect(parseRoleMap('')).toEqual({});
    expect(parseRoleMap('a=product_team, team:product = product_team')).toEqual({ a: 'product_team', 'team:product': 'product_team' });
    expect(Object.keys(parseRoleMap('__proto__=product_team')!)).toEqual(['__proto__']);
    expect(parseRoleMap('admins=couple')).toBeUndefined();
    expect(parseRoleMap('=product_team')).toBeUndefined();
  });
});
