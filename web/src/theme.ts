// Light or dark: the member's choice, remembered in this browser, or by default the system's
// preference (prefers-color-scheme), followed live while "system" is chosen. The resolved theme is
// set as <html data-theme>, which is all styles.css looks at.

export const THEME_CHOICES = ['system', 'light', 'dark'] as const;
export type ThemeChoice = (typeof THEME_CHOICES)[number];

const KEY = 'wedsync.theme';
const DARK_QUERY = '(prefers-color-scheme: dark)';

/** The remembered choice; "system" when none, or when storage is blocked (reading it throws then). */
export function storedTheme(): ThemeChoice {
  try {
    const kept = localStorage.getItem(KEY);
    return THEME_CHOICES.find((c) => c === kept) ?? 'system';
  } catch {
    return 'system';
  }
}

function resolve(choice: ThemeChoice): 'light' | 'dark' {
  if (choice !== 'system') return choice;
  return window.matchMedia(DARK_QUERY).matches ? 'dark' : 'light';
}

let following: (() => void) | null = null;

/** Applies a choice now, and while it is "system", again whenever the system's preference changes. */
export function applyTheme(choice: ThemeChoice): void {
  document.documentElement.dataset.theme = resolve(choice);
  following?.();
  following = null;
  if (choice === 'system') {
    const query = window.matchMedia(DARK_QUERY);
    const update = () => (document.documentElement.dataset.theme = resolve('system'));
    query.addEventListener('change', update);
    following = () => query.removeEventListener('change', update);
  }
}

/** Applies and remembers a choice ("system" forgets it, so a later system change is followed). */
export function chooseTheme(choice: ThemeChoice): void {
  try {
    if (choice === 'system') localStorage.removeItem(KEY);
    else localStorage.setItem(KEY, choice);
  } catch {
    // storage blocked: the choice holds for this page only
  }
  applyTheme(choice);
}
