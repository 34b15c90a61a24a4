// The masking rules for the AI account's free text (issue #14 finding 4, content_anonymization_required).
import { describe, expect, it } from 'vitest';
import { maskPersonalText } from '../../../src/domain/personal-text.js';

describe('maskPersonalText', () => {
  it('masks email addresses', () => {
    expect(maskPersonalText('Write to aoife.byrne+rsvp@example.ie about it')).toBe('Write to [email] about it');
  });

  it('masks phone numbers in the ways people write them, not counts, years or table numbers', () => {
    expect(maskPersonalText('Call +353 87 123 4567 or (020) 7946-0958, or 0871234567.')).toBe('Call [phone] or [phone], or [phone].');
    expect(maskPersonalText('120 guests in 2027 at 14 tables, 3-course menu')).toBe('120 guests in 2027 at 14 tables, 3-course menu');
  });

  it('masks the names it is given, whole or in part, and names after a title', () => {
    const names = ['Aoife & Cian Murphy', 'Amelia & Jonah (demo couple)'];
    expect(maskPersonalText('Aoife & Cian Murphy marry in June; Cian asked Mrs Byrne and Dr. Okafor.', names)).toBe(
      '[name] marry in June; [name] asked [name] and [name].',
    );
    expect(maskPersonalText('AOIFE & CIAN MURPHY', names)).toBe('[name]');
    // Parts match as written (capitalised): the flower is not the person.
    expect(maskPersonalText('Rose wants a rose arch', ['Rose Kelly'])).toBe('[name] wants a rose arch');
    // Joining words are not names, and no part of a word is masked.
    expect(maskPersonalText('Jonah and the Jonahsons', names)).toBe('[name] and the Jonahsons');
  });

  it('leaves text without personal data as it was', () => {
    const text = 'Let guests pick their meal when they RSVP; our caterer needs it a month ahead.';
    expect(maskPersonalText(text, [null, undefined, ''])).toBe(text);
  });
});
