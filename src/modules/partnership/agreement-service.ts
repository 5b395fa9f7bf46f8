import type { Kysely } from 'kysely';
import type { Database } from '../../db/schema.js';
import { recordAudit } from '../audit/service.js';
import type { Actor, StaffActor } from '../../shared/actor.js';
import { hasCapability, reachesEveryOrganisation, requireCapability } from '../identity/policy.js';
import { ForbiddenError, NotFoundError } from '../../shared/errors.js';
import type { AgreementValues, AgreementsRepository } from './agreements-repository.js';
import type { PartnershipRepository } from './repository.js';
import { PartnershipRuleError } from './rules.js';
import type { AgreementForm } from './schemas.js';

interface Dependencies {
  db: Kysely<Database>;
  repository: PartnershipRepository;
  agreements: AgreementsRepository;
  clock: () => Date;
}

/**
 * Data-sharing agreements. Partnership administrators manage them and see them all; others with
 * 'agreements.view' see only the agreements their own organisation is party to.
 */
export function createAgreementService({ db, repository, agreements, clock }: Dependencies) {
  const seesAll = (viewer: StaffActor) => reachesEveryOrganisation(viewer);

  async function findVisible(actor: Actor, id: number) {
    const viewer = requireCapability(actor, 'agreements.view');
    const agreement = await agreements.find(id);
    if (!agreement) throw new NotFoundError();
    const parties = (await agreements.partiesOf([id])).get(id) ?? [];
    if (!seesAll(viewer) && !parties.some((party) => party.id === viewer.organisationId)) throw new ForbiddenError();
    return { agreement, parties };
  }

  async function findDraft(actor: Actor, id: number) {
    const manager = requireCapability(actor, 'agreements.manage');
    const agreement = await agreements.find(id);
    if (!agreement) throw new NotFoundError();
    // A signed agreement is not rewritten: end it and make another, so the record shows what applied when.
    if (agreement.status !== 'draft')
      throw new PartnershipRuleError('status', 'Only a draft agreement can be changed', 409);
    return { manager, agreement };
  }

  /** Parties must be bodies offered on the form; services must be on the LGSL list. */
  async function checkScope(form: AgreementForm): Promise<{ parties: number[]; services: number[] }> {
    const offered = new Set((await repository.listPartnerOrganisations()).map((organisation) => organisation.id));
    if (form.parties.some((id) => !offered.has(id)))
      throw new PartnershipRuleError('parties', 'Select organisations from the list');
    const services = form.coverage === 'all' ? [] : form.services;
    const known = new Set((await agreements.listAllServices()).map((service) => service.lgsl));
    if (services.some((lgsl) => !known.has(lgsl)))
      throw new PartnershipRuleError('services', 'Select services from the list');
    return { parties: form.parties, services };
  }

  const valuesOf = (form: AgreementForm): AgreementValues => ({
    title: form.title,
    purpose: form.purpose,
    covers_all_services: form.coverage === 'all',
    valid_from: form.validFrom,
    valid_to: form.validTo,
    purpose_statement: form.purposeStatement,
    categories: form.categories,
    receiving_roles: form.roles,
    relationship: form.relationship,
  });

  async function changeStatus(
    actor: Actor,
    id: number,
    from: 'draft' | 'active',
    to: 'active' | 'ended',
    refusal: string,
  ) {
    const manager = requireCapability(actor, 'agreements.manage');
    if (!(await agreements.find(id))) throw new NotFoundError();
    await db.transaction().execute(async (trx) => {
      if (!(await agreements.changeStatus(trx, id, from, to))) throw new PartnershipRuleError('status', refusal, 409);
      await recordAudit(
        trx,
        {
          actor: manager,
          action: to === 'active' ? 'activate' : 'end',
          recordType: 'data-sharing-agreement',
          recordId: id,
          detail: { from, to },
        },
        clock(),
      );
    });
  }

  return {
    async list(actor: Actor) {
      const viewer = requireCapability(actor, 'agreements.view');
      const rows = await agreements.list(seesAll(viewer) ? null : viewer.organisationId);
      const parties = await agreements.partiesOf(rows.map((row) => row.id));
      return rows.map((row) => ({ ...row, parties: parties.get(row.id) ?? [] }));
    },

    async get(actor: Actor, id: number) {
      const { agreement, parties } = await findVisible(actor, id);
      return {
        agreement,
        parties,
        services: await agreements.listServices(id),
        mayManage: hasCapability(actor, 'agreements.manage'),
      };
    },

    mayManage: (actor: Actor) => hasCapability(actor, 'agreements.manage'),

    /** The organisations and services a manager may choose from on the form. */
    async formOptions(actor: Actor) {
      requireCapability(actor, 'agreements.manage');
      return {
        organisations: await repository.listPartnerOrganisations(),
        services: await agreements.listAllServices(),
      };
    },

    async create(actor: Actor, form: AgreementForm): Promise<number> {
      const manager = requireCapability(actor, 'agreements.manage');
      const scope = await checkScope(form);
      return db.transaction().execute(async (trx) => {
        const id = await agreements.insert(
          trx,
          { ...valuesOf(form), created_by_staff_id: manager.staffId },
          scope.parties,
          scope.services,
        );
        await recordAudit(
          trx,
          {
            actor: manager,
            action: 'create',
            recordType: 'data-sharing-agreement',
            recordId: id,
            detail: { ...valuesOf(form), ...scope },
          },
          clock(),
        );
        return id;
      });
    },

    /** A draft and its parties and services, to fill in the edit form. */
    async findEditable(actor: Actor, id: number) {
      const { agreement } = await findDraft(actor, id);
      const parties = (await agreements.partiesOf([id])).get(id) ?? [];
      return { agreement, parties, services: await agreements.listServices(id) };
    },

    async update(actor: Actor, id: number, form: AgreementForm): Promise<void> {
      const { manager } = await findDraft(actor, id);
      const scope = await checkScope(form);
      await db.transaction().execute(async (trx) => {
        await agreements.update(trx, id, valuesOf(form), scope.parties, scope.services);
        await recordAudit(
          trx,
          {
            actor: manager,
            action: 'update',
            recordType: 'data-sharing-agreement',
            recordId: id,
            detail: { ...valuesOf(form), ...scope },
          },
          clock(),
        );
      });
    },

    activate: (actor: Actor, id: number) =>
      changeStatus(actor, id, 'draft', 'active', 'Only a draft agreement can be activated'),
    end: (actor: Actor, id: number) =>
      changeStatus(actor, id, 'active', 'ended', 'Only an active agreement can be ended'),
  };
}

export type AgreementService = ReturnType<typeof createAgreementService>;
