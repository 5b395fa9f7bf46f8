import type { Kysely } from 'kysely';
import type { Database } from '../../src/db/schema.js';
import { createCitizenRepository } from '../../src/modules/identity/citizen-repository.js';
import { createCaseCore } from '../../src/modules/cases/core/index.js';
import { createCatalogueRepository } from '../../src/modules/cases/catalogue/repository.js';
import { createCatalogueService } from '../../src/modules/cases/catalogue/service.js';
import { createPlacesRepository } from '../../src/modules/places/repository.js';
import { buildBoundaryIndex } from '../../src/modules/places/boundary-index.js';
import { createPlacesService, type Place } from '../../src/modules/places/service.js';
import { createPartnershipRepository } from '../../src/modules/partnership/repository.js';
import { createActiveAgreementFinder } from '../../src/modules/partnership/sharing.js';
import { createPeopleModule } from '../../src/modules/people/index.js';

/** The cases services wired as the app wires them, on a test database, with a clock the test moves. */
export async function casesServices(db: Kysely<Database>, clock: () => Date) {
  const partnerships = createPartnershipRepository(db);
  const memberOrganisationIds = async () =>
    (await partnerships.listMemberOrganisations('derbyshire')).map((member) => member.id);
  const placesRepository = createPlacesRepository(db);
  const places = createPlacesService({
    repository: placesRepository,
    boundaries: buildBoundaryIndex(await placesRepository.listBoundaries()),
    memberOrganisationIds,
  });
  const catalogue = createCatalogueService({
    repository: createCatalogueRepository(db),
    memberOrganisationIds,
  });
  const { repository, cases, workflow } = createCaseCore({
    db,
    clock,
    catalogue,
    agreements: createActiveAgreementFinder(db),
    citizenEmail: createCitizenRepository(db).emailOf,
    people: createPeopleModule({ db, clock }),
    places,
    publicUrl: 'http://shirehall.test',
    referencePrefix: 'DBY',
  });
  async function place(postcode: string): Promise<Place> {
    const lookup = await places.findByPostcode(postcode);
    if (lookup.outcome !== 'found') throw new Error(`No place for ${postcode}`);
    return lookup.place;
  }
  return { places, catalogue, cases, workflow, repository, place };
}
