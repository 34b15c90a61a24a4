// A small history router: three screens do not need a routing library in the board's first load.
import { useSyncExternalStore, type AnchorHTMLAttributes, type MouseEvent } from 'react';

const listeners = new Set<() => void>();
let navigations = 0;

function notify() {
  listeners.forEach((l) => l());
}

window.addEventListener('popstate', () => {
  navigations += 1;
  notify();
});

/** How many in-app navigations happened: 0 on the page's first load (focus stays put then). */
export const navigationCount = () => navigations;

export function navigate(to: string, options: { replace?: boolean } = {}) {
  const current = location.pathname + location.search;
  if (to === current && !options.replace) return;
  navigations += 1;
  if (options.replace) history.replaceState(null, '', to);
  else {
    history.pushState(null, '', to);
    window.scrollTo(0, 0);
  }
  notify();
}

function subscribe(listener: () => void) {
  listeners.add(listener);
  return () => listeners.delete(listener);
}

const snapshot = () => location.pathname + location.search;

/** The current path and query string; re-renders on every navigation. */
export function useLocation(): { path: string; params: URLSearchParams } {
  const href = useSyncExternalStore(subscribe, snapshot);
  const [path = '/', search = ''] = href.split('?');
  return { path, params: new URLSearchParams(search) };
}

type LinkProps = Omit<AnchorHTMLAttributes<HTMLAnchorElement>, 'href'> & { to: string };

export function Link({ to, onClick, ...rest }: LinkProps) {
  function handle(event: MouseEvent<HTMLAnchorElement>) {
    onClick?.(event);
    if (event.defaultPrevented || event.button !== 0 || event.metaKey || event.ctrlKey || event.shiftKey || event.altKey) return;
    if (rest.target && rest.target !== '_self') return;
    event.preventDefault();
    navigate(to);
  }
  return <a href={to} onClick={handle} {...rest} />;
}
