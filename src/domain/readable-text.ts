// Text people write for others to read (request titles, descriptions, pain points, comments) must
// read as it looks. Refused: text made only of invisible characters (zero-width spaces and joiners,
// soft hyphens…: blank once shown, though not blank to a whitespace check), and bidirectional
// overrides and isolates (U+202A–U+202E, U+2066–U+2069), which reorder what a reader sees and let
// one text pass for another. Left alone: the marks U+200E/U+200F that right-to-left writing uses.

/** Whitespace and characters that show nothing. */
// U+034F (combining grapheme joiner) is listed on purpose: alone it shows nothing.
// eslint-disable-next-line no-misleading-character-class
const INVISIBLE = /[\s\u00ad\u034f\u180e\u200b-\u200d\u2060-\u2064]/gu;
const BIDI_CONTROL = /[\u202a-\u202e\u2066-\u2069]/u;

export type UnreadableText = 'invisible_only' | 'bidi_control';

export function unreadableText(text: string): UnreadableText | null {
  if (BIDI_CONTROL.test(text)) return 'bidi_control';
  return text.replace(INVISIBLE, '') === '' ? 'invisible_only' : null;
}

export const UNREADABLE_TEXT_MESSAGES: Record<UnreadableText, string> = {
  invisible_only: 'must contain visible characters, not only zero-width or other invisible ones',
  bidi_control: 'must not contain right-to-left or left-to-right override or isolate characters (U+202A–U+202E, U+2066–U+2069)',
};
