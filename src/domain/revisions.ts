// What changed between two revisions of a request, word by word, for the product team's history view.
// Words rather than characters: a reviewer reads "added 'for suppliers'", not scattered letters.
import { diffWordsWithSpace } from 'diff';

export const REVISED_FIELDS = ['title', 'summary', 'description'] as const;
export type RevisedField = (typeof REVISED_FIELDS)[number];
export type RevisionText = Record<RevisedField, string | null>;

export interface DiffPart {
  kind: 'same' | 'added' | 'removed';
  text: string;
}

export interface FieldChange {
  field: RevisedField;
  parts: DiffPart[];
}

/** The fields that differ between `before` and `after`, each as a word diff (a missing text reads as empty). */
export function revisionChanges(before: RevisionText, after: RevisionText): FieldChange[] {
  return REVISED_FIELDS.filter((field) => (before[field] ?? '') !== (after[field] ?? '')).map((field) => ({
    field,
    parts: diffWordsWithSpace(before[field] ?? '', after[field] ?? '').map((c) => ({
      kind: c.added ? ('added' as const) : c.removed ? ('removed' as const) : ('same' as const),
      text: c.value,
    })),
  }));
}
