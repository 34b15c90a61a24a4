import { describe, expect, it } from 'vitest';
import {
  can,
  grantedPermissions,
  mayEditRequest,
  mayReadFullRecord,
  permissionCovers,
  readScope,
  searchScope,
  voteWeight,
  weddingContextDetail,
  type Actor,
} from '../../../src/domain/access-control.js';

const actor = (role: Actor['role'], verified = true, id = `${role}-1`): Actor => ({ id, role, verified });

describe('access control', () => {
  it('matches exact, qualified and wildcard permissions', () => {
    expect(permissionCovers('feature_requests:vote', 'feature_requests:vote')).toBe(true);
    expect(permissionCovers('feature_requests:vote:weighted', 'feature_requests:vote')).toBe(true);
    expect(permissionCovers('feature_requests:vote', 'feature_requests:vote:weighted')).toBe(false);
    expect(permissionCovers('feature_requests:*', 'feature_requests:update_status')).toBe(true);
    expect(permissionCovers('feature_requests:*', 'comments:create')).toBe(false);
    expect(permissionCovers('feature_requests:read', 'feature_requests:read_all')).toBe(false);
  });

  it('gives each role the brief’s permissions', () => {
    expect(can(actor('couple'), 'feature_requests:create')).toBe(true);
    expect(can(actor('couple'), 'feature_requests:update_status')).toBe(false);
    expect(can(actor('wedding_supplier'), 'analytics:read:category_trends')).toBe(true);
    expect(can(actor('product_team'), 'feature_requests:update_status')).toBe(true);
    expect(can(actor('ai_system'), 'feature_requests:create')).toBe(false);
    expect(can(actor('ai_system'), 'feature_requests:vote')).toBe(false);
  });

  it('the exact wedding context is for its couple and the product team; suppliers and the AI get it coarse', () => {
    expect(weddingContextDetail(actor('product_team'), 'someone')).toBe('exact');
    expect(weddingContextDetail(actor('couple', true, 'c1'), 'c1')).toBe('exact');
    expect(weddingContextDetail(actor('wedding_supplier'), 'someone')).toBe('coarse');
    expect(weddingContextDetail(actor('wedding_supplier', true, 's1'), 's1')).toBe('exact');
    expect(weddingContextDetail(actor('ai_system'), 'someone')).toBe('coarse');
  });

  it('the AI searches content only where the author lets the AI read it', () => {
    expect(searchScope(actor('ai_system'))).toBe('title_or_ai_consented_content');
    expect(searchScope(actor('wedding_supplier'))).toBe('content');
    expect(searchScope(null)).toBe('title');
  });

  it('an unverified supplier holds nothing until verified', () => {
    expect(grantedPermissions(actor('wedding_supplier', false))).toEqual([]);
    expect(can(actor('wedding_supplier', false), 'feature_requests:create')).toBe(false);
  });

  it('reads: suppliers and the product team everything, couples their own, the AI content only', () => {
    expect(readScope(null)).toBe('none');
    expect(readScope(actor('couple'))).toBe('own');
    expect(readScope(actor('wedding_supplier'))).toBe('all');
    expect(readScope(actor('product_team'))).toBe('all');
    expect(readScope(actor('ai_system'))).toBe('content_only');
    expect(mayReadFullRecord(actor('couple', true, 'c1'), 'c1')).toBe(true);
    expect(mayReadFullRecord(actor('couple', true, 'c1'), 'c2')).toBe(false);
    expect(mayReadFullRecord(null, 'c1')).toBe(false);
  });

  it('authors edit their own open requests; the product team edits any', () => {
    const couple = actor('couple', true, 'c1');
    expect(mayEditRequest(couple, { authorId: 'c1', status: 'open' })).toBe(true);
    expect(mayEditRequest(couple, { authorId: 'c1', status: 'planned' })).toBe(false);
    expect(mayEditRequest(couple, { authorId: 'c2', status: 'open' })).toBe(false);
    expect(mayEditRequest(actor('product_team'), { authorId: 'c2', status: 'shipped' })).toBe(true);
    expect(mayEditRequest(actor('ai_system'), { authorId: 'c2', status: 'open' })).toBe(false);
  });

  it('suppliers’ votes weigh more, by business size; the product team’s wildcard does not', () => {
    expect(voteWeight({ ...actor('couple'), businessSize: null })).toBe(1);
    expect(voteWeight({ ...actor('wedding_supplier'), businessSize: 'solo' })).toBe(2);
    expect(voteWeight({ ...actor('wedding_supplier'), businessSize: 'large' })).toBe(3);
    expect(voteWeight({ ...actor('product_team'), businessSize: null })).toBe(1);
  });
});
