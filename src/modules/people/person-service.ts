import type { Kysely, Transaction } from 'kysely';
import type { Database } from '../../db/schema.js';
import { recordAudit } from '../audit/service.js';
import type { Actor, StaffActor } from '../../shared/actor.js';
import { ForbiddenError, NotFoundError } from '../../shared/errors.js';
import { normaliseUkPhone } from '../../shared/phone.js';
import { requireCapability } from '../identity/policy.js';
import type { PersonDetails, PersonRepository, PersonRow, PersonSearch } from './person-repository.js';
import type { PersonRecord, PersonRecordSources } from './person-records.js';
import type { PersonQuery } from './person-search.js';

/** Candidates a search reads before keeping those the viewer may see; and how many it shows. */
const SEARCH_CANDIDATES = 50;
export const SEARCH_SHOWN = 20;

export class MergeRuleError extends Error {
  readonly statusCode = 409;
}

export interface PersonServiceDependencies {
  db: Kysely<Database>;
  repository: PersonRepository;
  sources: PersonRecordSources;
  clock: () => Date;
}

export type RecordsByHeading = { heading: string; records: PersonRecord[] }[];

/** The details someone gave with a request: what a person record is found or made from. */
export interface ContactGiven {
  citizenId: number | null;
  name: string | null;
  email: string | null;
  phone: string | null;
  postcode: string | null;
}

/**
 * The customer view: one person across every partner's records. A member of staff sees a person
 * only through a record of theirs they may see that shares contact details (their own
 * organisation's, one it recorded, or another body's under an agreement that shares them), so a
 * search never confirms that someone is known elsewhere.
 */
export function createPersonService({ db, repository, sources, clock }: PersonServiceDependencies) {
  /** Each person's records, from every module, that this member of staff may see, newest first. */
  async function visibleRecords(actor: StaffActor, personIds: number[]): Promise<Map<number, RecordsByHeading>> {
    const family = await repository.withMergedRecords(personIds);
    const rootOf = new Map(family.map((member) => [member.id, member.root]));
    const ids = family.map((member) => member.id);
    const result = new Map<number, RecordsByHeading>(personIds.map((id) => [id, []]));
    for (const source of sources.all()) {
      const records = ids.length > 0 ? await source.recordsOf(actor, ids) : [];
      for (const id of personIds) {
        const own = records
          .filter((record) => rootOf.get(record.personId) === id)
          .sort((a, b) => b.at.getTime() - a.at.getTime());
        result.get(id)!.push({ heading: source.heading, records: own });
      }
    }
    return result;
  }

  const mayKnow = (groups: RecordsByHeading) =>
    groups.some((group) => group.records.some((record) => record.sharesContactDetails));

  async function criteriaFor(actor: StaffActor, query: PersonQuery): Promise<PersonSearch> {
    switch (query.kind) {
      case 'email':
        return { email: query.value };
      case 'postcode':
        return { postcode: query.value };
      case 'phone':
        return { phoneDigits: query.value };
      case 'name':
        return { name: query.value };
      case 'reference': {
        const ids: number[] = [];
        for (const source of sources.all()) {
          const id = await source.personOfReference(actor, query.value);
          if (id !== null) ids.push(id);
        }
        const roots = await rootsOf(ids);
        return { ids: roots };
      }
    }
  }

  /** Follows merges forward: the record a merged one became. */
  async function rootsOf(ids: number[]): Promise<number[]> {
    const roots: number[] = [];
    for (let id of ids) {
      for (let hops = 0; hops < 20; hops++) {
        const person = await repository.findById(id);
        if (!person?.merged_into_person_id) break;
        id = person.merged_into_person_id;
      }
      roots.push(id);
    }
    return [...new Set(roots)];
  }

  /** A person the actor may see, with their records; refused otherwise, as another body's case is. */
  async function viewable(actor: StaffActor, id: number): Promise<{ person: PersonRow; groups: RecordsByHeading }> {
    const person = await repository.findById(id);
    if (!person) throw new NotFoundError();
    const groups = (await visibleRecords(actor, [id])).get(id)!;
    if (!mayKnow(groups)) throw new ForbiddenError();
    return { person, groups };
  }

  return {
    async search(actor: Actor, query: PersonQuery, ipAddress: string | null = null) {
      const staff = requireCapability(actor, 'people.find');
      const candidates = await repository.search(await criteriaFor(staff, query), SEARCH_CANDIDATES);
      const records = await visibleRecords(
        staff,
        candidates.map((person) => person.id),
      );
      const found = candidates
        .filter((person) => mayKnow(records.get(person.id)!))
        .slice(0, SEARCH_SHOWN)
        .map((person) => ({
          person,
          recordCount: records.get(person.id)!.reduce((sum, group) => sum + group.records.length, 0),
        }));
      // Who looked for whom: the kind of search and the records shown, not what was typed.
      await recordAudit(
        db,
        {
          actor: staff,
          action: 'search',
          recordType: 'person',
          detail: { by: query.kind, shown: found.map(({ person }) => person.id) },
          ipAddress,
        },
        clock(),
      );
      return found;
    },

    /** One person and everything of theirs the actor may see; a merged record answers with the one it became. */
    async view(actor: Actor, id: number, ipAddress: string | null = null) {
      const staff = requireCapability(actor, 'people.find');
      const found = await repository.findById(id);
      if (found?.merged_into_person_id) return { mergedInto: (await rootsOf([id]))[0] };
      const { person, groups } = await viewable(staff, id);
      await recordAudit(db, { actor: staff, action: 'read', recordType: 'person', recordId: id, ipAddress }, clock());
      return { person, groups };
    },

    async update(actor: Actor, id: number, details: PersonDetails, ipAddress: string | null = null) {
      const staff = requireCapability(actor, 'people.find');
      const { person } = await viewable(staff, id);
      if (person.merged_into_person_id) throw new NotFoundError();
      const changed = (Object.keys(details) as (keyof PersonDetails)[]).filter((key) => {
        const column = key === 'preferredChannel' ? 'preferred_channel' : key;
        return person[column] !== details[key];
      });
      const now = clock();
      await db.transaction().execute(async (trx) => {
        await repository.update(
          trx,
          id,
          { ...details, phoneDigits: details.phone ? normaliseUkPhone(details.phone) : null },
          now,
        );
        // Which details changed, not what they say: the values are the person's own.
        await recordAudit(
          trx,
          { actor: staff, action: 'update', recordType: 'person', recordId: id, detail: { changed }, ipAddress },
          now,
        );
      });
    },

    /** A person as the merge pages show them: only to staff who may merge. */
    async viewForMerge(actor: Actor, id: number, ipAddress: string | null = null) {
      requireCapability(actor, 'people.merge');
      return this.view(actor, id, ipAddress);
    },

    /** Both records, for the page that asks "are these the same person?". */
    async mergeCandidates(actor: Actor, keepId: number, otherId: number) {
      const staff = requireCapability(actor, 'people.merge');
      if (keepId === otherId) throw new MergeRuleError('A record cannot be merged with itself');
      const keep = await viewable(staff, keepId);
      const other = await viewable(staff, otherId);
      if (keep.person.merged_into_person_id || other.person.merged_into_person_id)
        throw new MergeRuleError('One of these records has already been merged');
      return { keep, other };
    },

    /**
     * Makes two records one: the other's records then show under the kept one, which gains any
     * details it lacked. The other record stays, pointing at the kept one, so links and the audit
     * trail still lead somewhere.
     */
    async merge(actor: Actor, keepId: number, otherId: number, ipAddress: string | null = null) {
      const staff = requireCapability(actor, 'people.merge');
      await this.mergeCandidates(staff, keepId, otherId);
      const now = clock();
      await db.transaction().execute(async (trx) => {
        const rows = await repository.lockPair(trx, keepId, otherId);
        const keep = rows.find((row) => row.id === keepId)!;
        const other = rows.find((row) => row.id === otherId)!;
        if (keep.merged_into_person_id || other.merged_into_person_id)
          throw new MergeRuleError('One of these records has already been merged');
        if (keep.citizen_id !== null && other.citizen_id !== null)
          throw new MergeRuleError(
            'Both records belong to a resident’s own account: they cannot be merged here, as each resident signs in to their own',
          );
        await repository.markMerged(trx, otherId, keepId, now);
        await repository.fillBlanks(
          trx,
          keepId,
          {
            name: other.name,
            email: other.email,
            phone: other.phone,
            phoneDigits: other.phone_digits,
            postcode: other.postcode,
            citizenId: other.citizen_id,
          },
          now,
        );
        await recordAudit(
          trx,
          {
            actor: staff,
            action: 'merge',
            recordType: 'person',
            recordId: keepId,
            detail: { merged: otherId },
            ipAddress,
          },
          now,
        );
      });
    },

    /**
     * The person a new record belongs to, found or made inside the caller's transaction: a
     * resident's account is one person, so is an email address. Anyone else (a phone number or a
     * name only) is a new record, since neither proves who someone is; staff merge those they find
     * to be one person. Null when nobody is named at all.
     */
    async linkFor(trx: Transaction<Database>, contact: ContactGiven): Promise<number | null> {
      if (contact.citizenId === null && !contact.email && !contact.phone && !contact.name) return null;
      const now = clock();
      const given = {
        name: contact.name?.trim() ?? '',
        email: contact.email?.trim().toLowerCase() || null,
        phone: contact.phone?.trim() || null,
        phoneDigits: contact.phone ? normaliseUkPhone(contact.phone) : null,
        postcode: contact.postcode,
        citizenId: contact.citizenId,
      };
      const existing = await repository.findForContact(trx, given);
      if (existing !== undefined) {
        await repository.fillBlanks(trx, existing, given, now);
        return existing;
      }
      return repository.insert(trx, { ...given, address: '', needs: '' }, now);
    },
  };
}

export type PersonService = ReturnType<typeof createPersonService>;
