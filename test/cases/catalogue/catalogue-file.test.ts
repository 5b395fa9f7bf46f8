import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import type { CatalogueFile } from '../../../src/db/seed/catalogue.js';

const catalogue = JSON.parse(readFileSync('data/catalogue/derbyshire.json', 'utf8')) as CatalogueFile;
const questions = catalogue.requestTypes.flatMap((type) =>
  type.questions.map((question) => ({ type: type.serviceCode, ...question })),
);

describe('the Derbyshire catalogue’s questions', () => {
  it('give each required question its own message, in the GOV.UK form', () => {
    const required = questions.filter((question) => question.required);
    expect(required.length).toBeGreaterThan(10);
    for (const question of required) {
      const kind = question.datatype.endsWith('list') ? 'Select' : 'Enter';
      expect(question.error, `${question.type}/${question.code}`).toMatch(new RegExp(`^${kind} [a-z]`));
    }
  });

  it('keep the missed collection’s date in the past', () => {
    expect(questions.find((question) => question.code === 'collection_day')).toMatchObject({ dates: 'past' });
  });
});
