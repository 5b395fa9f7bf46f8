import type { z } from 'zod';

// Bidi embeddings and overrides (U+202A–U+202E) and isolates (U+2066–U+2069) make the text after
// them read in another order: "Evil\u202Eexe.txt" shows as "Eviltxt.exe", a name can show as another
// person's or organisation's. Zero-width spaces and joiners (U+200B–U+200D), the word joiner
// (U+2060) and the byte order mark (U+FEFF) make two names that look the same differ. None
// belongs in a name someone else reads in a list, an email or an audit entry.
const hidden = /[\u202a-\u202e\u2066-\u2069\u200b-\u200d\u2060\ufeff]/;

export function hasHiddenCharacters(value: string): boolean {
  return hidden.test(value);
}

/** The message beside a name field that holds one: `label` is how the field's own messages name it. */
export function hiddenCharactersMessage(label: string): string {
  return `${label} has a hidden character that changes how text is shown (a direction mark or a zero-width space): type it again without it`;
}

/** A name field's schema that also refuses hidden characters: the one rule every person's, organisation's and team's name shares. */
export function visibleName<T extends z.ZodType<string | undefined | null>>(schema: T, label: string) {
  return schema.refine(
    (value) => typeof value !== 'string' || !hasHiddenCharacters(value),
    hiddenCharactersMessage(label),
  );
}
