import { sql, type Kysely, type Selectable, type Transaction } from 'kysely';
import type { Database, PeopleTable, PreferredChannel } from '../../db/schema.js';

type Db = Kysely<Database> | Transaction<Database>;

export type PersonRow = Selectable<PeopleTable>;

export interface PersonDetails {
  name: string;
  email: string | null;
  phone: string | null;
  address: string;
  postcode: string | null;
  preferredChannel: PreferredChannel | null;
  needs: string;
}

/** What a search looks for: each given key is matched (name loosely, the rest exactly). */
export interface PersonSearch {
  name?: string;
  email?: string;
  phoneDigits?: string;
  postcode?: string;
  ids?: number[];
}

/** `%` and `_` in what someone typed are letters, not LIKE's wildcards. */
const likeLiteral = (text: string) => text.replace(/[\\%_]/g, (character) => `\\${character}`);

/** SQL for the customer view's people. A merged record stays, pointing at the one it became. */
export function createPersonRepository(db: Kysely<Database>) {
  return {
    findById: (id: number, executor: Db = db) =>
      executor.selectFrom('people').selectAll().where('id', '=', id).executeTakeFirst(),

    /** The person of a resident's account, or one (not merged away) with this email address. */
    async findForContact(executor: Db, contact: { citizenId: number | null; email: string | null }) {
      if (contact.citizenId !== null) {
        const own = await executor
          .selectFrom('people')
          .select('id')
          .where('citizen_id', '=', contact.citizenId)
          .executeTakeFirst();
        if (own) return own.id;
      }
      if (!contact.email) return undefined;
      const byEmail = await executor
        .selectFrom('people')
        .select('id')
        .where(sql<string>`lower(email)`, '=', contact.email.toLowerCase())
        .where('merged_into_person_id', 'is', null)
        .orderBy('id')
        .executeTakeFirst();
      return byEmail?.id;
    },

    async insert(
      executor: Db,
      values: Omit<PersonDetails, 'preferredChannel'> & { citizenId: number | null; phoneDigits: string | null },
      now: Date,
    ): Promise<number> {
      const row = await executor
        .insertInto('people')
        .values({
          name: values.name,
          email: values.email,
          phone: values.phone,
          phone_digits: values.phoneDigits,
          address: values.address,
          postcode: values.postcode,
          needs: values.needs,
          citizen_id: values.citizenId,
          created_at: now,
          updated_at: now,
        })
        .returning('id')
        .executeTakeFirstOrThrow();
      return row.id;
    },

    /** Fills what the record lacks (a phone number given on a later case, say); never overwrites. */
    async fillBlanks(
      executor: Db,
      id: number,
      values: {
        name: string;
        email: string | null;
        phone: string | null;
        phoneDigits: string | null;
        postcode: string | null;
        citizenId: number | null;
      },
      now: Date,
    ): Promise<void> {
      await executor
        .updateTable('people')
        .set({
          name: sql`case when name = '' then ${values.name} else name end`,
          email: sql`coalesce(email, ${values.email})`,
          phone: sql`coalesce(phone, ${values.phone})`,
          phone_digits: sql`coalesce(phone_digits, ${values.phoneDigits})`,
          postcode: sql`coalesce(postcode, ${values.postcode})`,
          citizen_id: sql`coalesce(citizen_id, ${values.citizenId}::integer)`,
          updated_at: now,
        })
        .where('id', '=', id)
        .execute();
    },

    async update(executor: Db, id: number, details: PersonDetails & { phoneDigits: string | null }, now: Date) {
      await executor
        .updateTable('people')
        .set({
          name: details.name,
          email: details.email,
          phone: details.phone,
          phone_digits: details.phoneDigits,
          address: details.address,
          postcode: details.postcode,
          preferred_channel: details.preferredChannel,
          needs: details.needs,
          updated_at: now,
        })
        .where('id', '=', id)
        .execute();
    },

    /** Locks both records, in id order so that two merges of the same pair cannot deadlock. */
    async lockPair(trx: Transaction<Database>, first: number, second: number): Promise<PersonRow[]> {
      return trx
        .selectFrom('people')
        .selectAll()
        .where('id', 'in', [first, second])
        .orderBy('id')
        .forUpdate()
        .execute();
    },

    async markMerged(trx: Transaction<Database>, id: number, into: number, now: Date): Promise<void> {
      await trx
        .updateTable('people')
        .set({ merged_into_person_id: into, citizen_id: null, updated_at: now })
        .where('id', '=', id)
        .execute();
    },

    async setCitizen(trx: Transaction<Database>, id: number, citizenId: number, now: Date): Promise<void> {
      await trx.updateTable('people').set({ citizen_id: citizenId, updated_at: now }).where('id', '=', id).execute();
    },

    /**
     * Each record and every record merged into it, however many merges back: the ids a module's
     * records may carry for this person.
     */
    async withMergedRecords(ids: number[]): Promise<{ id: number; root: number }[]> {
      if (ids.length === 0) return [];
      const rows = await sql<{ id: number; root: number }>`
        with recursive family (id, root) as (
          select id, id from people where id = any(${ids}::integer[])
          union all
          select people.id, family.root from people join family on people.merged_into_person_id = family.id
        )
        select id, root from family`.execute(db);
      return rows.rows;
    },

    /** Records that match, not merged away, best first: a name by trigram similarity or as part of the name. */
    async search(search: PersonSearch, limit: number): Promise<PersonRow[]> {
      let query = db.selectFrom('people').selectAll().where('merged_into_person_id', 'is', null);
      if (search.ids) query = query.where('id', 'in', search.ids.length > 0 ? search.ids : [0]);
      if (search.email) query = query.where(sql<string>`lower(email)`, '=', search.email.toLowerCase());
      if (search.phoneDigits) query = query.where('phone_digits', '=', search.phoneDigits);
      if (search.postcode) query = query.where('postcode', '=', search.postcode);
      if (search.name) {
        const name = search.name.toLowerCase();
        query = query
          // Both use the trigram index: % for a name spelt differently, like for part of one.
          .where(sql<boolean>`(lower(name) % ${name} or lower(name) like ${`%${likeLiteral(name)}%`})`)
          .orderBy(sql`similarity(lower(name), ${name})`, 'desc');
      }
      return query.orderBy('updated_at', 'desc').orderBy('id').limit(limit).execute();
    },
  };
}

export type PersonRepository = ReturnType<typeof createPersonRepository>;
