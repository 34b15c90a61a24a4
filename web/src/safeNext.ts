/**
 * Where to go after signing in, from `?next=`: a path on this site only, never a redirector. The
 * check runs on the URL as the browser will read it — it drops tabs and newlines and reads `\` as
 * `/`, so `/\t/evil.example` is `//evil.example`, another host — and what is returned is that
 * normalised path, so what was checked is what is followed. `origin`: the page's (`location.origin`).
 */
export function safeNext(next: string | null, origin: string): string {
  if (!next) return '/';
  let url: URL;
  try {
    url = new URL(next, origin);
  } catch {
    return '/';
  }
  const path = url.pathname + url.search + url.hash;
  // A path that normalises to `//host…` (e.g. `/.//evil.example`) would leave the site as a link.
  return url.origin === origin && url.pathname.startsWith('/') && !path.startsWith('//') ? path : '/';
}
