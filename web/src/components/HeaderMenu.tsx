// On a phone the header's links fold behind a "Menu" button (the product team has six of them:
// four rows of a 390 px screen otherwise); on wider screens the button is hidden and the links show.
import { useEffect, useState, type ReactNode } from 'react';

export function HeaderMenu({ path, children }: { path: string; children: ReactNode }) {
  const [open, setOpen] = useState(false);
  // Following a link closes the menu: the new screen is what the person asked to see.
  useEffect(() => setOpen(false), [path]);
  return (
    <>
      <button type="button" className="menu-toggle button secondary small" aria-expanded={open} aria-controls="site-menu" onClick={() => setOpen((o) => !o)}>
        Menu
      </button>
      <div id="site-menu" className={`site-menu${open ? ' open' : ''}`}>
        {children}
      </div>
    </>
  );
}
