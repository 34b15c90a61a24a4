// The country and time-zone pickers every form that asks where someone is uses (sign-up, a
// wedding's context, the privacy centre's profile), inside a Field.
import { useRef } from 'react';
import { timeZoneFitsCountry, timeZonesOfCountry } from '../../../src/domain/wedding-context.js';
import { countries, countryName, timeZoneLabel, timeZones } from '../places.js';
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

/** With a `country`, that country's zones come first; the rest stay offered below them. */
export function TimeZoneSelect({ control, value, onChange, country }: SelectProps & { country?: string }) {
  // The zone first shown stays offered even if this browser does not know it (a saved value).
  const zones = useRef(timeZones(value)).current;
  const local = country ? timeZonesOfCountry(country) : [];
  const option = (z: string) => (
    <option key={z} value={z}>
      {timeZoneLabel(z)}
    </option>
  );
  return (
    <select {...control} value={value} onChange={(e) => onChange(e.target.value)}>
      <option value="">Choose a time zone</option>
      {local.length > 0 ? (
        <>
          <optgroup label={`In ${countryName(country!)}`}>{local.map(option)}</optgroup>
          <optgroup label="All time zones">{zones.filter((z) => !local.includes(z)).map(option)}</optgroup>
        </>
      ) : (
        zones.map(option)
      )}
    </select>
  );
}

/** Said under the time zone while it is not one the chosen country uses (the API refuses the pair). */
export function zoneMismatch(timeZone: string, country: string): string | null {
  if (!timeZone || !/^[A-Za-z]{2}$/.test(country) || timeZoneFitsCountry(timeZone, country)) return null;
  const local = timeZonesOfCountry(country);
  const offer = local.length === 1 ? `: choose ${timeZoneLabel(local[0]!)}` : local.length ? ': choose one of the zones listed first' : '';
  return `${timeZoneLabel(timeZone)} is not a time zone of ${countryName(country)}${offer}.`;
}
