import type { FastifyInstance } from 'fastify';
import type { Kysely } from 'kysely';
import type { Config } from '../../config.js';
import type { Database } from '../../db/schema.js';
import type { Navigation } from '../../web/navigation.js';
import type { CitizenEmail } from '../identity/index.js';
import type { PeoplePort } from '../people/index.js';
import type { ActiveAgreementFinder } from '../identity/policy.js';
import type { StaffHome } from '../identity/staff-home-routes.js';
import type { PlacesService } from '../places/service.js';
import { createCatalogue } from './catalogue/index.js';
import { createCaseCore } from './core/index.js';
import { createPublicRequests } from './core/public-requests.js';
import { createOpen311 } from './open311/index.js';
import { createPhotos, registerPhotoRoutes } from './photos/index.js';
import { casePaths } from './paths.js';
import { worksWithCases } from './core/case-policy.js';
import { registerReport } from './report/index.js';
import { registerStaffCases } from './staff/index.js';
import { createPersonCases } from './staff/person-cases.js';
import { createTrackingProof, registerTrack } from './track/index.js';

export type { CatalogueService } from './catalogue/service.js';
export { photoUploadLimits } from './photos/limits.js';
export { publicStatusNames, publicStatusTags } from './core/status.js';
export {
  roundCoordinate,
  type PublicRequest,
  type PublicRequestFilters,
  type PublicRequests,
} from './core/public-requests.js';

export interface CasesDependencies {
  db: Kysely<Database>;
  config: Config;
  clock: () => Date;
  places: PlacesService;
  agreements: ActiveAgreementFinder;
  citizenEmail: CitizenEmail;
  /** The customer view: each case is linked to its person, and the person's page lists their cases. */
  people: PeoplePort;
  /** The partnership's name, as Open311 clients are told it. */
  partnershipName: string;
  referencePrefix: string;
  /** The partnership's member organisations: routing sends requests only to them. */
  memberOrganisationIds: () => Promise<number[]>;
}

/**
 * The combined CRM. Its parts, each in its own folder, are built on the core in the order they
 * depend on each other: the catalogue, the core (the case, its workflow), then the resident's side
 * (report, track), the staff side and Open311. Other modules get the catalogue and the public
 * requests (for the map); nothing else of the CRM is theirs to read.
 */
export function createCasesModule(deps: CasesDependencies) {
  const { db, config, clock, places, agreements, memberOrganisationIds } = deps;
  const catalogue = createCatalogue({ db, clock, memberOrganisationIds });
  const core = createCaseCore({
    db,
    clock,
    catalogue: catalogue.service,
    agreements,
    citizenEmail: deps.citizenEmail,
    people: deps.people,
    places,
    publicUrl: config.publicUrl,
    referencePrefix: deps.referencePrefix,
  });
  const photos = createPhotos({
    db,
    clock,
    cases: core.cases,
    caseRepository: core.repository,
    publicUrl: config.publicUrl,
  });
  const open311 = createOpen311({
    db,
    clock,
    config,
    partnershipName: deps.partnershipName,
    catalogue: catalogue.service,
    places,
    cases: core.cases,
    caseRepository: core.repository,
    photos,
    memberOrganisationIds,
  });

  return {
    catalogue: catalogue.service,
    publicRequests: createPublicRequests(db),

    register(app: FastifyInstance, { staffHome, navigation }: { staffHome: StaffHome; navigation: Navigation }): void {
      const secureCookies = config.environment === 'production';
      const signInAttemptsPerMinute = config.signInAttemptsPerMinute;
      const proof = createTrackingProof(clock, secureCookies);
      const caseParts = {
        db,
        clock,
        catalogue: catalogue.service,
        ...core,
        signInAttemptsPerMinute,
        proof,
        photos,
        photoUploadsPerMinute: config.photoUploadsPerMinute,
      };
      registerPhotoRoutes(app, photos);
      registerReport(app, { ...caseParts, places, secureCookies });
      navigation.forResidents({ href: casePaths.report, text: 'Report a problem', section: 'report' });
      // Staff who work with cases find them first in the navigation.
      navigation.forStaff({
        href: casePaths.staff.worklist,
        text: 'Cases',
        section: 'cases',
        first: true,
        shownWhen: worksWithCases,
      });
      registerTrack(app, caseParts);
      registerStaffCases(app, { ...caseParts, places, agreements, memberOrganisationIds });
      deps.people.records.add(createPersonCases({ repository: core.repository, cases: core.cases, clock }));
      open311.register(app);
      catalogue.register(app);
      staffHome.add(
        {
          href: casePaths.staff.catalogue,
          text: 'Request types and teams',
          description:
            'What residents may report to each council, its questions and target, and the teams that receive it.',
          capability: 'catalogue.manage',
        },
        {
          href: casePaths.staff.messages,
          text: 'Messages',
          description:
            'The words of every email and letter your cases send residents and staff, from report to closure.',
          capability: 'messages.manage',
        },
        {
          href: casePaths.staff.worklist,
          text: 'Cases',
          description:
            'Your organisation’s cases: work them, find any case you may see by its reference, export them; managers see open and overdue work per team.',
          capability: 'cases.work',
        },
        {
          href: casePaths.staff.overview,
          text: 'Open work and targets met',
          description:
            'Open and overdue cases per team and kind of request, and how many were finished by their due date, with the trend.',
          capability: 'cases.figures',
        },
        {
          href: casePaths.staff.recordContact,
          text: 'Record a contact',
          description: 'Record a request from phone, face to face, email, an outreach visit or a partner agency.',
          capability: 'cases.work',
        },
        {
          href: casePaths.staff.apiKeys,
          text: 'API keys',
          description:
            'Keys for systems that send and follow requests through Open311, such as FixMyStreet or a council’s back office.',
          capability: 'apiKeys.manage',
        },
      );
    },
  };
}

export type CasesModule = ReturnType<typeof createCasesModule>;
