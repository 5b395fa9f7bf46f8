import type { FastifyInstance } from 'fastify';
import type { Kysely } from 'kysely';
import type { Database } from '../../db/schema.js';
import { refreshing } from '../../shared/cache.js';
import type { StaffHome } from '../identity/staff-home-routes.js';
import { partnershipPaths } from './paths.js';
import { createPartnershipRepository } from './repository.js';
import { registerPartnershipRoutes } from './routes.js';
import { createPartnershipServices } from './service.js';
import { createActiveAgreementFinder, provideSharingRule } from './sharing.js';

export interface PartnershipDependencies {
  db: Kysely<Database>;
  clock: () => Date;
  /** config.partnership: the partnership this installation serves. */
  partnershipSlug: string;
}

/** How long a process trusts its copy of the partnership's members: another process's change shows within this. */
const MEMBERS_MAX_AGE_MS = 5_000;

/**
 * Organisations, partnerships, their projects and data-sharing agreements. Other modules get from
 * here the partnership this installation serves, its members, and the sharing rule.
 */
export async function createPartnershipModule({ db, clock, partnershipSlug }: PartnershipDependencies) {
  const repository = createPartnershipRepository(db);
  const partnership = await repository.findPartnership(partnershipSlug);
  if (!partnership) throw new Error(`Partnership "${partnershipSlug}" is not in the database: import its data first`);

  // Asked by most requests (routing, the catalogue, staff pages); joining and leaving drop the copy.
  const members = refreshing(() => repository.listMemberOrganisations(partnershipSlug), MEMBERS_MAX_AGE_MS);
  const agreements = createActiveAgreementFinder(db);
  let ids: { of: Awaited<ReturnType<typeof members.get>>; ids: number[] } | undefined;
  async function memberOrganisationIds(): Promise<number[]> {
    const list = await members.get();
    if (ids?.of !== list) ids = { of: list, ids: list.map((member) => member.id) };
    return ids.ids;
  }

  return {
    name: partnership.name,
    referencePrefix: partnership.reference_prefix,
    memberOrganisations: () => members.get(),
    /** The same array until the members change, so a caller may keep what it made from it. */
    memberOrganisationIds,
    /** The sharing rule: every module that shows one organisation's records to another is handed this. */
    agreements,

    register(app: FastifyInstance, { staffHome }: { staffHome: StaffHome }): void {
      provideSharingRule(app, agreements);
      registerPartnershipRoutes(
        app,
        createPartnershipServices({
          db,
          clock,
          ownPartnership: partnershipSlug,
          onMembersChanged: () => members.invalidate(),
        }),
      );
      staffHome.add(
        {
          href: partnershipPaths.organisations,
          text: 'Organisations',
          description: 'Councils and partner bodies; add and change partner bodies.',
        },
        {
          href: partnershipPaths.partnerships,
          text: 'Partnerships and projects',
          description: 'Partnerships, their members, and the projects they run with their benefits.',
        },
        {
          href: partnershipPaths.lessons,
          text: 'Lessons learned',
          description: 'What has worked and what has not, across every project.',
        },
        {
          href: partnershipPaths.agreements,
          text: 'Data-sharing agreements',
          description: 'Which organisations may see each other’s records, for what and when.',
          capability: 'agreements.view',
        },
      );
    },
  };
}

export type PartnershipModule = Awaited<ReturnType<typeof createPartnershipModule>>;
