/** Only same-site paths: `?next=https://elsewhere` must not turn sign-in into a redirector. */
export function safeNext(next: string | null): string {
  return next && next.startsWith('/') && !next.startsWith('//') && !next.startsWith('/\\') ? next : '/';
}
