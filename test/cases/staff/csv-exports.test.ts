import { parse } from 'csv-parse/sync';
import { describe, expect, it } from 'vitest';
import { organisationId, signedInStaff } from '../../support/accounts.js';
import { useTestApp } from '../../support/app.js';
import { report, servicesFor } from './staff-cases-fixtures.js';

/** Finding 9 of issue 9: the worklist's CSV turned every negative longitude into text, and let full-width formulas through. */
const context = useTestApp();

describe('the cases CSV', () => {
  it('keeps a negative longitude a number, and opens a full-width formula with an apostrophe', async () => {
    const db = context.database.db;
    const highPeak = await organisationId(db, 'E07000037');
    const { client } = await signedInStaff(context.app, db, { organisationId: highPeak, roles: ['service_officer'] });
    const made = await report(await servicesFor(db), 'graffiti', 'S33 0AA', {
      description: '＝HYPERLINK("http://evil.example","click")',
    });
    const rows = parse((await client.get('/staff/cases.csv?applied=yes&type=graffiti')).body) as string[][];
    const header = rows[0];
    const row = rows.find((cells) => cells[0] === made.reference)!;
    const longitude = row[header.indexOf('Longitude')];
    expect(longitude).toMatch(/^-1\.\d+$/);
    expect(row[header.indexOf('Description')]).toBe('\'＝HYPERLINK("http://evil.example","click")');
  });
});
