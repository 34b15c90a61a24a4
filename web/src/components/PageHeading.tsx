import { useEffect, useRef, type ReactNode } from 'react';
import { navigationCount } from '../router.js';

/**
 * The page's h1. Sets the document title, and after an in-app navigation moves focus here so
 * screen-reader and keyboard users start on the new page, as they would after a full load.
 * `focus`: always, for a heading that replaces the page after an action (an account erased).
 */
export function PageHeading({ title, focus = false, children }: { title: string; focus?: boolean; children?: ReactNode }) {
  const ref = useRef<HTMLHeadingElement>(null);
  useEffect(() => {
    document.title = `${title} · WedSync Feature Requests`;
  }, [title]);
  useEffect(() => {
    if (focus || navigationCount() > 0) ref.current?.focus({ preventScroll: true });
  }, [focus]);
  return (
    <h1 ref={ref} tabIndex={-1}>
      {children ?? title}
    </h1>
  );
}
