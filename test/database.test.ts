import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { importReferenceData } from '../src/db/seed/reference-data.js';
import { createTestDatabase, type TestDatabase } from './support/database.js';

let database: TestDatabase;
beforeAll(async () => {
  database = await createTestDatabase();
});
afterAll(() => database.destroy());

async function count(table: 'postcodes' | 'services' | 'boundaries' | 'service_links' | 'organisations') {
  const row = await database.db
    .selectFrom(table)
    .select((eb) => eb.fn.countAll<number>().as('n'))
    .executeTakeFirstOrThrow();
  return Number(row.n);
}

describe('reference data', () => {
  it('holds the real data: every postcode, service, boundary and council', async () => {
    expect(await count('postcodes')).toBe(27_717);
    expect(await count('services')).toBe(276);
    expect(await count('boundaries')).toBe(296 + 153);
    expect(await count('service_links')).toBe(175);
    // Every 2025 lower- and upper-tier council of England, each once.
    expect(await count('organisations')).toBe(317);
  });

  it('makes the ten Derbyshire councils the members of the partnership, from its data file', async () => {
    const members = await database.db
      .selectFrom('partnership_members')
      .innerJoin('organisations', 'organisations.id', 'partnership_members.organisation_id')
      .innerJoin('partnerships', 'partnerships.id', 'partnership_members.partnership_id')
      .select(['organisations.name', 'organisations.tier', 'organisations.parent_gss', 'partnerships.kind'])
      .where('partnerships.slug', '=', 'derbyshire')
      .execute();
    expect(members).toHaveLength(10);
    expect(members.filter((member) => member.tier === 'district')).toHaveLength(8);
    expect(
      members.filter((member) => member.tier === 'district').every((member) => member.parent_gss === 'E10000007'),
    ).toBe(true);
    expect(members.map((member) => member.name)).toContain('Derby City Council');
    expect(members[0].kind).toBe('shire');
  });

  it('does not import again when the files have not changed', async () => {
    const messages: string[] = [];
    await importReferenceData(database.db, 'derbyshire', (message) => messages.push(message));
    expect(messages).toEqual([]);
    expect(await count('postcodes')).toBe(27_717);
  });

  it('imports a dataset again when its recorded checksum differs, leaving the same rows', async () => {
    await database.db
      .updateTable('reference_imports')
      .set({ checksum: 'stale' })
      .where('dataset', '=', 'services')
      .execute();
    const messages: string[] = [];
    await importReferenceData(database.db, 'derbyshire', (message) => messages.push(message));
    expect(messages).toEqual(['Importing services from services/lgsl-providing-tier.csv']);
    expect(await count('services')).toBe(276);
  });
});

describe('transactions', () => {
  it("never lets one request's rollback undo another's write", async () => {
    const { db } = database;
    const failing = db.transaction().execute(async (trx) => {
      await trx
        .insertInto('partnerships')
        .values({ slug: 'rolled-back', name: 'Rolled back', kind: 'local' })
        .execute();
      await new Promise((resolve) => setTimeout(resolve, 50));
      throw new Error('abandon this transaction');
    });
    const concurrent = db.insertInto('partnerships').values({ slug: 'kept', name: 'Kept', kind: 'local' }).execute();
    await expect(failing).rejects.toThrow('abandon this transaction');
    await concurrent;
    const slugs = (await db.selectFrom('partnerships').select('slug').execute()).map((row) => row.slug);
    expect(slugs).toContain('kept');
    expect(slugs).not.toContain('rolled-back');
  });
});
