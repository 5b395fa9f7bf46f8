import { describe, expect, it } from 'vitest';
import {
  messageKindNames,
  messageKinds,
  placeholdersOf,
  renderMessage,
  unknownPlaceholders,
} from './message-templates.js';

describe('the default messages', () => {
  it('use only the placeholders their kind has, and leave none unfilled', () => {
    for (const kind of messageKindNames) {
      const { subject, body } = messageKinds[kind];
      expect(unknownPlaceholders(kind, `${subject}\n${body}`), kind).toEqual([]);
      const values = Object.fromEntries(placeholdersOf(kind).map((name) => [name, `<${name}>`]));
      const text = renderMessage({ subject, body }, values);
      expect(`${text.subject}${text.body}`, kind).not.toContain('((');
    }
  });
});

describe('placeholders', () => {
  it('names each unknown placeholder once, in order', () => {
    expect(unknownPlaceholders('received', '((ref)) ((reference)) ((Name)) ((ref)) (( ))')).toEqual([
      'ref',
      'Name',
      ' ',
    ]);
    expect(unknownPlaceholders('resolved', '((survey_url)) ((message))')).toEqual([]);
    // A staff message has the case's staff address, not the resident's tracking page.
    expect(unknownPlaceholders('staff-new', '((case_url)) ((track_url))')).toEqual(['track_url']);
  });

  it('fills them, reads the brackets around a placeholder as text, and leaves no run of blank lines for an empty one', () => {
    const text = renderMessage(
      { subject: 'Report (((reference)))', body: 'Dear ((name)),\n\n((message))\n\nThanks' },
      { reference: 'DBY-2026-000001', name: 'Ada', message: '' },
    );
    expect(text).toEqual({ subject: 'Report (DBY-2026-000001)', body: 'Dear Ada,\n\nThanks' });
  });
});
