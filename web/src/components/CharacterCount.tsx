// How much of a text field's limit is used, under the field. Fields carry no maxlength: a browser
// silently cuts pasted text at it, so the form counts instead and refuses what is too long.
export const characterCountId = (fieldId: string) => `${fieldId}-count`;

export function CharacterCount({ fieldId, text, max }: { fieldId: string; text: string; max: number }) {
  const used = text.trim().length;
  const over = used - max;
  return (
    <p className={`char-count${over > 0 ? ' over' : ''}`} id={characterCountId(fieldId)} data-testid={characterCountId(fieldId)}>
      {over > 0
        ? `${used.toLocaleString()} characters: ${over.toLocaleString()} too many (at most ${max.toLocaleString()})`
        : `${used.toLocaleString()} of ${max.toLocaleString()} characters`}
    </p>
  );
}

/** The error for a text longer than `max`, in the words the counter uses. */
export const tooLong = (what: string, text: string, max: number) => {
  const used = text.trim().length;
  return used > max
    ? `${what} must be at most ${max.toLocaleString()} characters long: it has ${used.toLocaleString()}. Shorten it by ${(used - max).toLocaleString()}.`
    : null;
};
