// The board's query, shared by the board and by main.tsx, which starts fetching the first page
// while the board's code is still downloading (one round trip less on a slow connection).
import { BOARD_SORTS, STATUSES } from '../../src/domain/feature-requests.js';
import { get, query } from './api.js';
import { CATEGORIES } from './labels.js';
import type { BoardItem, BoardSort, Page } from './types.js';

export const PAGE_SIZE = 20;

export interface Filters {
  sort: BoardSort | '';
  category: string;
  status: string;
  /** Who asked: couple or wedding_supplier. */
  userType: string;
  q: string;
}

const USER_TYPES = new Set(['couple', 'wedding_supplier']);

/** The API's longest search. */
const MAX_QUERY = 200;

/**
 * The filters in an address. A value the board does not offer (an old link, a typo: `?status=weird`)
 * is dropped rather than sent, so the API never refuses the screen over it.
 */
export function readFilters(params: URLSearchParams): Filters {
  const known = (key: string, values: Iterable<string>) => {
    const value = params.get(key) ?? '';
    return new Set(values).has(value) ? value : '';
  };
  return {
    sort: known('sort', BOARD_SORTS) as BoardSort | '',
    category: known('category', CATEGORIES),
    status: known('status', STATUSES),
    userType: known('userType', USER_TYPES),
    q: (params.get('q') ?? '').trim().slice(0, MAX_QUERY).trim(),
  };
}

/** The board's own address for these filters (no sort means the API's default order, top). */
export const boardUrl = (f: Filters) => `/${query({ sort: f.sort || undefined, category: f.category, status: f.status, userType: f.userType, q: f.q })}`;

export const boardApiUrl = (f: Filters, cursor?: string | null) =>
  `/api/feature-requests${query({ sort: f.sort || undefined, category: f.category, status: f.status, userType: f.userType, q: f.q, limit: PAGE_SIZE, cursor })}`;

let early: { url: string; at: number; page: Promise<Page<BoardItem>> } | null = null;

/** Called once at start-up on the board's address. */
export function prefetchBoard() {
  if (location.pathname !== '/') return;
  const url = boardApiUrl(readFilters(new URLSearchParams(location.search)));
  early = { url, at: Date.now(), page: get<Page<BoardItem>>(url) };
  early.page.catch(() => undefined); // the board reports failures when it asks for the page
}

/** The first page: the early fetch when it is for the same query and recent, otherwise a new one. */
export function fetchBoardPage(url: string, signal?: AbortSignal): Promise<Page<BoardItem>> {
  const taken = early;
  early = null;
  if (taken && taken.url === url && Date.now() - taken.at < 10_000) return taken.page;
  return get<Page<BoardItem>>(url, signal);
}
