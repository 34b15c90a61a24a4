import { useId, useState } from 'react';
import { chooseTheme, storedTheme, type ThemeChoice } from '../theme.js';

const LABELS: Record<ThemeChoice, string> = { system: 'As the device', light: 'Light', dark: 'Dark' };

/** Light, dark or as the device is set: a native select, so keyboards and screen readers need nothing more. */
export function ThemeSwitch() {
  const id = useId();
  const [choice, setChoice] = useState<ThemeChoice>(storedTheme);
  return (
    <span className="theme-switch">
      <label htmlFor={id}>Theme</label>
      <select
        id={id}
        value={choice}
        onChange={(e) => {
          const next = e.target.value as ThemeChoice;
          setChoice(next);
          chooseTheme(next);
        }}
      >
        {(Object.keys(LABELS) as ThemeChoice[]).map((c) => (
          <option key={c} value={c}>
            {LABELS[c]}
          </option>
        ))}
      </select>
    </span>
  );
}
