// How "Show more" joins the API's pages (web/src/api.ts, used by the board and usePagedList): the
// next page's items follow those shown, and one the reader has already seen (it moved between
// pages while they were read) is not shown twice.
import { describe, expect, it } from 'vitest';
import { appendNew } from '../../../web/src/api.js';

const byId = (item: { id: string }) => item.id;
const items = (...ids: string[]) => ids.map((id) => ({ id, title: `Request ${id}` }));

describe('appendNew', () => {
  it('appends the next page after the items shown', () => {
    expect(appendNew(items('a', 'b'), items('c', 'd'), byId)).toEqual(items('a', 'b', 'c', 'd'));
  });

  it('leaves out what is already shown, which keeps its place', () => {
    const shown = items('a', 'b', 'c');
    const moved = { id: 'b', title: 'Request b, voted up meanwhile' };
    expect(appendNew(shown, [moved, ...items('d')], byId)).toEqual(items('a', 'b', 'c', 'd'));
  });

  it('tells items apart by the key it is given, not by identity', () => {
    const keyOf = (v: { requestId: string; voterId: string }) => `${v.requestId}/${v.voterId}`;
    const shown = [{ requestId: 'r1', voterId: 'u1' }];
    const page = [
      { requestId: 'r1', voterId: 'u1' },
      { requestId: 'r1', voterId: 'u2' },
      { requestId: 'r2', voterId: 'u1' },
    ];
    expect(appendNew(shown, page, keyOf)).toEqual([...shown, page[1], page[2]]);
  });

  it('changes neither list it is given', () => {
    const shown = items('a');
    const page = items('a', 'b');
    appendNew(shown, page, byId);
    expect(shown).toEqual(items('a'));
    expect(page).toEqual(items('a', 'b'));
  });
});
