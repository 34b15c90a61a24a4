// The country and time-zone pickers every form that asks where someone is uses (sign-up, a
// wedding's context, the privacy centre's profile), inside a Field.
import { useRef } from 'react';
import { countries, timeZoneLabel, timeZones } from '../places.js';
import type { ControlProps } from './Field.js';

interface SelectProps {
  control: ControlProps;
  value: string;
  onChange: (value: string) => void;
}

export function CountrySelect({ control, value, onChange, empty }: SelectProps & { empty: string }) {
  return (
    <select {...control} value={value} onChange={(e) => onChange(e.target.value)}>
      <option value="">{empty}</option>
      {countries().map((c) => (
        <option key={c.code} value={c.code}>
          {c.name}
        </option>
      ))}
    </select>
  );
}

export function TimeZoneSelect({ control, value, onChange }: SelectProps) {
  // The zone first shown stays offered even if this browser does not know it (a saved value).
  const zones = useRef(timeZones(value)).current;
  return (
    <select {...control} value={value} onChange={(e) => onChange(e.target.value)}>
      <option value="">Choose a time zone</option>
      {zones.map((z) => (
        <option key={z} value={z}>
          {timeZoneLabel(z)}
        </option>
      ))}
    </select>
  );
}
