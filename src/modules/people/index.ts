import type { FastifyInstance } from 'fastify';
import type { Kysely } from 'kysely';
import type { Database } from '../../db/schema.js';
import type { StaffHome } from '../identity/staff-home-routes.js';
import { hasCapability } from '../identity/policy.js';
import type { Navigation } from '../../web/navigation.js';
import { peoplePaths } from './paths.js';
import { createPersonRecordSources } from './person-records.js';
import { createPersonRepository } from './person-repository.js';
import { createPersonService } from './person-service.js';
import { registerPeopleRoutes } from './routes.js';

export type { PersonRecord, PersonRecordSource } from './person-records.js';
export type { ContactGiven } from './person-service.js';
export { peoplePaths } from './paths.js';

export interface PeopleDependencies {
  db: Kysely<Database>;
  clock: () => Date;
}

/**
 * The customer view: one record of each person across every partner, found by name, email, phone,
 * postcode or reference. Modules that hold people's records link them (`linkFor`, inside their own
 * transaction) and add a source of them (`records.add`), which answers with only what the viewer
 * may see; this module reads no other module's tables.
 */
export function createPeopleModule({ db, clock }: PeopleDependencies) {
  const records = createPersonRecordSources();
  const people = createPersonService({ db, repository: createPersonRepository(db), sources: records, clock });
  return {
    /** The person a new record belongs to, found or made in the caller's transaction. */
    linkFor: people.linkFor,
    records,

    register(app: FastifyInstance, { staffHome, navigation }: { staffHome: StaffHome; navigation: Navigation }): void {
      registerPeopleRoutes(app, people);
      navigation.forStaff({
        href: peoplePaths.search,
        text: 'People',
        section: 'people',
        first: true,
        shownWhen: (actor) => hasCapability(actor, 'people.find'),
      });
      staffHome.add({
        href: peoplePaths.search,
        text: 'Find a person',
        description:
          'Anyone who has been in touch with a partner, by name, email, phone, postcode or reference: their details and every case of theirs you may see.',
        capability: 'people.find',
      });
    },
  };
}

export type PeopleModule = ReturnType<typeof createPeopleModule>;
/** What the cases module (and later others) is given: linking records to people, and a place for its source. */
export type PeoplePort = Pick<PeopleModule, 'linkFor' | 'records'>;
