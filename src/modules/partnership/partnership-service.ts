import type { Kysely } from 'kysely';
import type { Database, PartnershipKind } from '../../db/schema.js';
import { recordAudit } from '../audit/service.js';
import type { Actor } from '../../shared/actor.js';
import { hasCapability, isStaff, requireCapability } from '../identity/policy.js';
import { ForbiddenError, NotFoundError } from '../../shared/errors.js';
import type { ProjectsRepository } from './projects-repository.js';
import type { PartnershipRepository } from './repository.js';
import { PartnershipRuleError, firstFreeSlug, slugify } from './rules.js';
import { retryOnUnique } from '../../shared/database-errors.js';

export interface PartnershipInput {
  name: string;
  kind: PartnershipKind;
  description: string;
}

interface Dependencies {
  db: Kysely<Database>;
  repository: PartnershipRepository;
  projects: ProjectsRepository;
  clock: () => Date;
  /** The slug of the partnership this installation serves: its councils stay members. */
  ownPartnership: string;
  /** Told after a member joins or leaves, so what holds a copy of the members (routing) can drop it. */
  onMembersChanged?: () => void;
}

/** Partnerships and their members: every member of staff may look; partnership administrators change them. */
export function createPartnershipService({
  db,
  repository,
  projects,
  clock,
  ownPartnership,
  onMembersChanged = () => {},
}: Dependencies) {
  async function find(id: number) {
    const partnership = await repository.findPartnershipById(id);
    if (!partnership) throw new NotFoundError();
    return partnership;
  }

  return {
    async list(actor: Actor) {
      if (!isStaff(actor)) throw new ForbiddenError();
      return repository.listPartnerships();
    },

    /** The partnership, its members, its projects, and the bodies that could join it. */
    async get(actor: Actor, id: number) {
      if (!isStaff(actor)) throw new ForbiddenError();
      const partnership = await find(id);
      const members = await repository.listMembers(id);
      const memberIds = new Set(members.map((member) => member.id));
      const candidates = hasCapability(actor, 'partnerships.manage')
        ? (await repository.listOrganisations(undefined)).filter((organisation) => !memberIds.has(organisation.id))
        : [];
      return {
        partnership,
        members,
        candidates,
        projects: await projects.listForPartnership(id),
        isOwn: partnership.slug === ownPartnership,
      };
    },

    mayManage: (actor: Actor) => hasCapability(actor, 'partnerships.manage'),

    assertMayManage(actor: Actor): void {
      requireCapability(actor, 'partnerships.manage');
    },

    async create(actor: Actor, input: PartnershipInput): Promise<number> {
      const manager = requireCapability(actor, 'partnerships.manage');
      // Two partnerships of one name saved at once pick the same free slug: the second tries again.
      return retryOnUnique('partnerships_slug_key', () =>
        db.transaction().execute(async (trx) => {
          const base = slugify(input.name);
          const slug = firstFreeSlug(base, await repository.takenSlugs(trx, 'partnerships', base));
          const id = await repository.insertPartnership(trx, { slug, ...input });
          await recordAudit(
            trx,
            { actor: manager, action: 'create', recordType: 'partnership', recordId: id, detail: { slug, ...input } },
            clock(),
          );
          return id;
        }),
      );
    },

    async addMember(actor: Actor, partnershipId: number, organisationId: number): Promise<void> {
      const manager = requireCapability(actor, 'partnerships.manage');
      await find(partnershipId);
      const organisation = await repository.findOrganisation(organisationId);
      if (!organisation) throw new PartnershipRuleError('organisationId', 'Select an organisation from the list');
      await db.transaction().execute(async (trx) => {
        if (!(await repository.addMember(trx, partnershipId, organisationId))) {
          throw new PartnershipRuleError(
            'organisationId',
            `${organisation.name} is already a member of this partnership`,
          );
        }
        await recordAudit(
          trx,
          {
            actor: manager,
            action: 'add-member',
            recordType: 'partnership',
            recordId: partnershipId,
            detail: { organisationId, name: organisation.name },
          },
          clock(),
        );
      });
      onMembersChanged();
    },

    async removeMember(actor: Actor, partnershipId: number, organisationId: number): Promise<void> {
      const manager = requireCapability(actor, 'partnerships.manage');
      const partnership = await find(partnershipId);
      const organisation = await repository.findOrganisation(organisationId);
      if (!organisation)
        throw new PartnershipRuleError('members', 'That organisation is not a member of this partnership', 409);
      // Routing, the directory and staff access all rest on the installation's councils being members.
      if (partnership.slug === ownPartnership && organisation.type === 'council') {
        throw new PartnershipRuleError(
          'members',
          `${organisation.name} cannot be removed: it is a council of ${partnership.name}, which this installation serves. Its councils come from the partnership’s data file.`,
        );
      }
      await db.transaction().execute(async (trx) => {
        if (!(await repository.removeMember(trx, partnershipId, organisationId))) {
          throw new PartnershipRuleError('members', `${organisation.name} is not a member of this partnership`, 409);
        }
        await recordAudit(
          trx,
          {
            actor: manager,
            action: 'remove-member',
            recordType: 'partnership',
            recordId: partnershipId,
            detail: { organisationId, name: organisation.name },
          },
          clock(),
        );
      });
      onMembersChanged();
    },
  };
}

export type PartnershipService = ReturnType<typeof createPartnershipService>;
