// Free text as the AI account may read it (the brief's `content_anonymization_required`): the words
// of a request or comment with what identifies a person masked — email addresses, phone numbers and
// names. Names cannot be recognised in general, so the caller passes the ones it knows to belong to
// the people around the text (the couple's names, the author's and commenters' display names);
// names after a title (Mrs Byrne, Dr. Okafor) are masked too. Pure, so the rules are tested alone.

export const MASKS = { email: '[email]', phone: '[phone]', name: '[name]' } as const;

const EMAIL = /[\p{L}\p{N}._%+-]+@[\p{L}\p{N}-]+(?:\.[\p{L}\p{N}-]+)*\.\p{L}{2,}/gu;
// A run of digits with the separators people write numbers with (+353 87 123 4567, (020) 7946-0958).
// Seven or more digits: a guest count, a year or a table number is not a phone number; a full date
// written with digits (2027-06-12) is masked too, which the AI is not to see either.
const PHONE_CANDIDATE = /(?:\+|\b00)?\(?\d[\d\s()./-]{5,}\d/g;
const MIN_PHONE_DIGITS = 7;
const MAX_PHONE_DIGITS = 15;
const TITLED_NAME = /\b(?:Mr|Mrs|Ms|Miss|Mx|Dr|Prof)\.?\s+\p{Lu}[\p{L}'’-]*(?:\s+\p{Lu}[\p{L}'’-]*)?/gu;
// Words that join names in "Aoife & Cian Murphy" / "Ana y Luis": not names themselves.
const JOINERS: ReadonlySet<string> = new Set(['and', 'und', 'et', 'y', 'e', 'en', 'of', 'the']);
const MIN_NAME_PART = 3;

const escape = (s: string) => s.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
const whole = (pattern: string, flags: string) => new RegExp(`(?<![\\p{L}\\p{N}])(?:${pattern})(?![\\p{L}\\p{N}])`, flags);

/**
 * The patterns for the names given: each full name in any case, and each of its parts (first name,
 * surname) as written — capitalised — so that "Rose" the person is masked but "rose" the flower is not.
 */
function namePatterns(names: readonly string[]): RegExp[] {
  const full = new Set<string>();
  const parts = new Set<string>();
  for (const name of names) {
    const trimmed = name.trim();
    if (trimmed.length < MIN_NAME_PART) continue;
    full.add(trimmed);
    for (const part of trimmed.split(/[\s,&+/]+/u)) {
      if (part.length >= MIN_NAME_PART && !JOINERS.has(part.toLowerCase()) && /^\p{Lu}/u.test(part)) parts.add(part);
    }
  }
  // Longest first, so a full name is masked as one and not part by part.
  const byLength = (set: Set<string>) =>
    [...set]
      .sort((a, b) => b.length - a.length)
      .map(escape)
      .join('|');
  return [...(full.size ? [whole(byLength(full), 'giu')] : []), ...(parts.size ? [whole(byLength(parts), 'gu')] : [])];
}

function maskPhones(text: string): string {
  return text.replace(PHONE_CANDIDATE, (candidate) => {
    const digits = candidate.replace(/\D/g, '').length;
    return digits >= MIN_PHONE_DIGITS && digits <= MAX_PHONE_DIGITS ? MASKS.phone : candidate;
  });
}

/** `text` with email addresses, phone numbers, titled names and the given names masked. */
export function maskPersonalText(text: string, names: readonly (string | null | undefined)[] = []): string {
  let masked = maskPhones(text.replace(EMAIL, MASKS.email)).replace(TITLED_NAME, MASKS.name);
  for (const pattern of namePatterns(names.filter((n): n is string => typeof n === 'string'))) masked = masked.replace(pattern, MASKS.name);
  return masked;
}
