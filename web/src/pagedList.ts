// A list the API hands out a page at a time (a request's comments, the triage queue, flagged votes).
// The first page loads when the screen opens and again when what it lists changes; the load before
// is aborted, a pending "Show more" with it, so an answer for an old filter never lands in the new
// list. "Show more" appends the next page without the items already shown. Failures are said in
// plain words, with a retry from the first page.
import { useEffect, useRef, useState, type DependencyList } from 'react';
import { appendNew } from './api.js';
import { plainMessage } from './errors.js';
import type { Page } from './types.js';

/** Asks for one page: the first when `cursor` is null. */
export type FetchPage<T> = (cursor: string | null, signal: AbortSignal) => Promise<Page<T>>;

export interface PagedList<T> {
  items: T[];
  /** The API has another page. */
  hasMore: boolean;
  /** A page (the first or the next) is on its way. */
  loading: boolean;
  /** Why the last page could not be loaded, in plain words. */
  error: string | null;
  /** Appends the next page; does nothing while a page is on its way or when there is none. */
  more: () => Promise<void>;
  /** Loads the first page again. */
  retry: () => void;
  /** Changes the items shown without asking the API (one added here, say). */
  setItems: (change: (items: T[]) => T[]) => void;
  /** Drops the items with these keys (moved or decided here). */
  remove: (keys: Iterable<string>) => void;
}

/**
 * The list `fetchPage` reads, loaded afresh whenever a value in `deps` changes (as an effect's
 * dependencies: the values `fetchPage` reads), items told apart by `keyOf`.
 */
export function usePagedList<T>(fetchPage: FetchPage<T>, deps: DependencyList, keyOf: (item: T) => string): PagedList<T> {
  const [items, setItems] = useState<T[]>([]);
  const [nextCursor, setNextCursor] = useState<string | null>(null);
  const [status, setStatus] = useState<{ loading: boolean; error: string | null }>({ loading: true, error: null });
  const [attempt, setAttempt] = useState(0);
  // The current list's loads: aborted when it is replaced or the screen goes away.
  const loads = useRef<AbortController | null>(null);

  useEffect(() => {
    const controller = new AbortController();
    loads.current = controller;
    setStatus({ loading: true, error: null });
    fetchPage(null, controller.signal).then(
      (page) => {
        // Checked on success too: a fetcher may not pass the signal on.
        if (controller.signal.aborted) return;
        setItems(page.items);
        setNextCursor(page.nextCursor);
        setStatus({ loading: false, error: null });
      },
      (err: unknown) => {
        if (!controller.signal.aborted) setStatus({ loading: false, error: plainMessage(err) });
      },
    );
    return () => controller.abort();
    // fetchPage is new on every render; deps say when what it reads has changed.
    // eslint-disable-next-line react-hooks/exhaustive-deps
  }, [...deps, attempt]);

  async function more() {
    const controller = loads.current;
    if (!controller || !nextCursor || status.loading) return;
    setStatus({ loading: true, error: null });
    try {
      const page = await fetchPage(nextCursor, controller.signal);
      if (controller.signal.aborted) return;
      setItems((old) => appendNew(old, page.items, keyOf));
      setNextCursor(page.nextCursor);
      setStatus({ loading: false, error: null });
    } catch (err) {
      if (!controller.signal.aborted) setStatus({ loading: false, error: plainMessage(err) });
    }
  }

  function remove(keys: Iterable<string>) {
    const gone = new Set(keys);
    setItems((old) => old.filter((item) => !gone.has(keyOf(item))));
  }

  return {
    items,
    hasMore: Boolean(nextCursor),
    loading: status.loading,
    error: status.error,
    more,
    retry: () => setAttempt((n) => n + 1),
    setItems,
    remove,
  };
}
