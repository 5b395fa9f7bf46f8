import type { Kysely } from 'kysely';
import type { Database, OrganisationType } from '../../db/schema.js';
import { recordAudit } from '../audit/service.js';
import type { Actor } from '../../shared/actor.js';
import { hasCapability, isStaff, requireCapability } from '../identity/policy.js';
import { ForbiddenError, NotFoundError } from '../../shared/errors.js';
import type { PartnershipRepository } from './repository.js';
import { PartnershipRuleError, firstFreeSlug, slugify } from './rules.js';
import { retryOnUnique } from '../../shared/database-errors.js';

export interface OrganisationInput {
  name: string;
  type: Exclude<OrganisationType, 'council'>;
  emailDomain: string | null;
}

interface Dependencies {
  db: Kysely<Database>;
  repository: PartnershipRepository;
  clock: () => Date;
}

/** Organisations: every member of staff may see the list; partnership administrators add and edit partner bodies. */
export function createOrganisationService({ db, repository, clock }: Dependencies) {
  async function assertDomainFree(trx: Kysely<Database>, domain: string | null, exceptId: number | null) {
    if (!domain) return;
    const holder = await repository.findOrganisationByEmailDomain(trx, domain);
    // Single sign-on finds a person's organisation by their email domain, so each domain has one owner.
    if (holder && holder.id !== exceptId)
      throw new PartnershipRuleError('emailDomain', `${domain} is already the email domain of ${holder.name}`);
  }

  /** A partner body to edit; councils come from the reference data and are refused. */
  async function findEditable(actor: Actor, id: number) {
    requireCapability(actor, 'organisations.manage');
    const organisation = await repository.findOrganisation(id);
    if (!organisation) throw new NotFoundError();
    if (organisation.type === 'council')
      throw new ForbiddenError('Councils come from the reference data and cannot be edited here');
    return organisation;
  }

  return {
    async list(actor: Actor, type: OrganisationType | undefined) {
      if (!isStaff(actor)) throw new ForbiddenError();
      return repository.listOrganisations(type);
    },

    mayManage: (actor: Actor) => hasCapability(actor, 'organisations.manage'),

    assertMayManage(actor: Actor): void {
      requireCapability(actor, 'organisations.manage');
    },

    findEditable,

    async create(actor: Actor, input: OrganisationInput): Promise<number> {
      const manager = requireCapability(actor, 'organisations.manage');
      // Two organisations of one name saved at once pick the same free slug: the second tries again.
      return retryOnUnique('organisations_slug_key', () =>
        db.transaction().execute(async (trx) => {
          await assertDomainFree(trx, input.emailDomain, null);
          const base = slugify(input.name);
          const slug = firstFreeSlug(base, await repository.takenSlugs(trx, 'organisations', base));
          const id = await repository.insertOrganisation(trx, {
            slug,
            name: input.name,
            type: input.type,
            email_domain: input.emailDomain,
          });
          await recordAudit(
            trx,
            { actor: manager, action: 'create', recordType: 'organisation', recordId: id, detail: { slug, ...input } },
            clock(),
          );
          return id;
        }),
      );
    },

    async update(actor: Actor, id: number, input: OrganisationInput): Promise<void> {
      const before = await findEditable(actor, id);
      const manager = requireCapability(actor, 'organisations.manage');
      await db.transaction().execute(async (trx) => {
        await assertDomainFree(trx, input.emailDomain, id);
        await repository.updateOrganisation(trx, id, {
          name: input.name,
          type: input.type,
          email_domain: input.emailDomain,
        });
        const detail = { from: { name: before.name, type: before.type, emailDomain: before.email_domain }, to: input };
        await recordAudit(
          trx,
          { actor: manager, action: 'update', recordType: 'organisation', recordId: id, detail },
          clock(),
        );
      });
    },
  };
}

export type OrganisationService = ReturnType<typeof createOrganisationService>;
