import { describe, expect, it } from 'vitest';
import { z } from 'zod';
import { hasHiddenCharacters, visibleName } from './names.js';

// Finding 9 of issue 9: names may not hold characters that change how text around them is shown.
describe('visible names', () => {
  const hidden = [
    '\u202a',
    '\u202b',
    '\u202c',
    '\u202d',
    '\u202e',
    '\u2066',
    '\u2067',
    '\u2068',
    '\u2069',
    '\u200b',
    '\u200c',
    '\u200d',
    '\u2060',
    '\ufeff',
  ];

  it('finds every bidi override and isolate, and every zero-width character, anywhere in a name', () => {
    for (const character of hidden) {
      expect(hasHiddenCharacters(`Ada${character}Lovelace`), character.codePointAt(0)?.toString(16)).toBe(true);
      expect(hasHiddenCharacters(`${character}Ada`)).toBe(true);
    }
  });

  it('lets real names through, in any script', () => {
    for (const name of [
      'Ada Lovelace',
      'Siân Ó Briain-Ñúñez',
      'محمد علي',
      'אברהם',
      '王小明',
      'Zoë d’Arcy',
      'Jean-Luc Picard Jr.',
    ])
      expect(hasHiddenCharacters(name), name).toBe(false);
  });

  it('refuses them with a message for the field, through the schema', () => {
    const schema = z.object({ name: visibleName(z.string().trim(), 'Name') });
    const result = schema.safeParse({ name: 'Evil\u202eoaf.exe' });
    expect(result.success).toBe(false);
    expect(result.error?.issues[0]).toMatchObject({
      path: ['name'],
      message: expect.stringMatching(/^Name has a hidden character/),
    });
    expect(schema.parse({ name: ' Ada ' })).toEqual({ name: 'Ada' });
  });
});
