import type { Kysely, Transaction } from 'kysely';
import type { Database } from '../../../db/schema.js';
import { recordAudit } from '../../audit/service.js';
import type { Actor, StaffActor } from '../../../shared/actor.js';
import { reachesEveryOrganisation, reachesOrganisation, requireCapability } from '../../identity/policy.js';
import { ForbiddenError, NotFoundError } from '../../../shared/errors.js';
import type { CatalogueAdminRepository, ManagedOrganisation, RequestTypeChanges } from './admin-repository.js';
import {
  tierNames,
  type NewQuestionInput,
  type NewTypeInput,
  type QuestionInput,
  type TeamInput,
  type TypeDetails,
} from './admin-schemas.js';
import type { Question, RequestType } from './repository.js';
import type { CatalogueService } from './service.js';
import { whenUnique } from '../../../shared/database-errors.js';

/**
 * A change the policy allows but the catalogue's rules refuse: a tier that contradicts the other
 * members', a team of another organisation, a question residents have answered. Pages show the
 * message beside `field`.
 */
export class CatalogueRuleError extends Error {
  constructor(
    readonly field: string,
    message: string,
  ) {
    super(message);
    this.name = 'CatalogueRuleError';
  }
}

export interface CatalogueAdminDependencies {
  db: Kysely<Database>;
  repository: CatalogueAdminRepository;
  catalogue: CatalogueService;
  clock: () => Date;
  memberOrganisationIds: () => Promise<number[]>;
}

export interface TypeGroup {
  name: string;
  types: (RequestType & { teamName: string })[];
}

/** The fields of a request type that administrators may change, as the table stores them. */
function typeChanges(details: TypeDetails): RequestTypeChanges {
  return {
    name: details.name,
    lgsl: details.lgsl,
    group_name: details.group,
    description: details.description,
    hint: details.hint,
    keywords: details.keywords,
    sla_working_days: details.slaWorkingDays,
    team_id: details.teamId,
    public_on_map: details.publicOnMap,
    allows_anonymous: details.allowsAnonymous,
    active: details.active,
  };
}

/** Only what changed, before and after, for the audit log. */
function differences<T extends object>(before: T, after: Partial<T>): { from: Partial<T>; to: Partial<T> } {
  const from: Partial<T> = {};
  const to: Partial<T> = {};
  for (const key of Object.keys(after) as (keyof T)[]) {
    if (JSON.stringify(before[key]) === JSON.stringify(after[key])) continue;
    from[key] = before[key];
    to[key] = after[key];
  }
  return { from, to };
}

/**
 * Administration of the request-type catalogue and the teams that receive requests. Partnership
 * administrators manage any member organisation's; organisation administrators and service
 * managers their own organisation's only. Every change is audited in its own transaction.
 */
export function createCatalogueAdminService({
  db,
  repository,
  catalogue,
  clock,
  memberOrganisationIds,
}: CatalogueAdminDependencies) {
  async function manage(actor: Actor, organisationId: number): Promise<StaffActor> {
    const staff = requireCapability(actor, 'catalogue.manage');
    if (!reachesOrganisation(staff, organisationId)) throw new ForbiddenError();
    if (!(await memberOrganisationIds()).includes(organisationId)) throw new NotFoundError();
    return staff;
  }

  async function organisation(id: number): Promise<ManagedOrganisation> {
    const [found] = await repository.organisations([id]);
    if (!found) throw new NotFoundError();
    return found;
  }

  async function findType(actor: Actor, typeId: number): Promise<{ manager: StaffActor; type: RequestType }> {
    requireCapability(actor, 'catalogue.manage');
    const type = await catalogue.findType(typeId);
    if (!type) throw new NotFoundError();
    return { manager: await manage(actor, type.organisationId), type };
  }

  async function findQuestion(actor: Actor, typeId: number, questionId: number) {
    const { manager, type } = await findType(actor, typeId);
    const questions = await catalogue.questions(typeId);
    const question = questions.find((candidate) => candidate.id === questionId);
    if (!question) throw new NotFoundError();
    return { manager, type, question, questions };
  }

  async function findTeam(actor: Actor, teamId: number) {
    requireCapability(actor, 'catalogue.manage');
    const team = await repository.findTeam(db, teamId);
    if (!team) throw new NotFoundError();
    return { manager: await manage(actor, team.organisationId), team };
  }

  /** The checks a request type's details need beyond their form: its team and its LGSL code. */
  async function checkDetails(trx: Transaction<Database>, organisationId: number, details: TypeDetails): Promise<void> {
    const team = await repository.findTeam(trx, details.teamId);
    if (!team || team.organisationId !== organisationId)
      throw new CatalogueRuleError('teamId', 'Select one of this organisation’s teams');
    if (details.lgsl !== null && !(await repository.serviceTitle(trx, details.lgsl))) {
      throw new CatalogueRuleError(
        'lgsl',
        `There is no service with LGSL code ${details.lgsl} in the Local Government Services List`,
      );
    }
  }

  /** Routing sends a kind to the council of its tier, so every member must give one code the same tier. */
  async function checkTierAgrees(
    trx: Transaction<Database>,
    others: number[],
    serviceCode: string,
    tier: RequestType['tier'],
  ): Promise<void> {
    const contradicting = (await repository.tiersOfCode(trx, serviceCode, others)).filter((row) => row.tier !== tier);
    if (contradicting.length === 0) return;
    const theirTier = contradicting[0].tier;
    const names = [...new Set(contradicting.map((row) => row.organisationName))].join(', ');
    throw new CatalogueRuleError(
      'tier',
      `${names} already receive ${serviceCode} as a kind for ${tierNames[theirTier].toLowerCase()}. Routing sends a kind to the council of its tier, so choose ${tierNames[theirTier].toLowerCase()}, or give this request type a new service code`,
    );
  }

  return {
    /** The member organisations whose catalogue this actor may manage: all for a partnership administrator. */
    async organisationsFor(actor: Actor): Promise<ManagedOrganisation[]> {
      const staff = requireCapability(actor, 'catalogue.manage');
      const members = await repository.organisations(await memberOrganisationIds());
      return members.filter((member) => reachesOrganisation(staff, member.id));
    },

    /** The organisation a page shows: the one asked for, or the actor's own; refused if out of reach. */
    async chooseOrganisation(actor: Actor, requested: number | undefined): Promise<ManagedOrganisation> {
      const staff = requireCapability(actor, 'catalogue.manage');
      let id = requested ?? staff.organisationId;
      // A partnership administrator may work for a body outside the partnership: show them its first member.
      if (requested === undefined && reachesEveryOrganisation(staff) && !(await memberOrganisationIds()).includes(id)) {
        id = (await repository.organisations(await memberOrganisationIds()))[0]?.id ?? id;
      }
      await manage(actor, id);
      return organisation(id);
    },

    async typesOf(actor: Actor, organisationId: number): Promise<TypeGroup[]> {
      await manage(actor, organisationId);
      const [types, teams] = await Promise.all([catalogue.typesOf(organisationId), repository.teams(organisationId)]);
      const teamNames = new Map(teams.map((team) => [team.id, team.name]));
      const groups = new Map<string, TypeGroup>();
      for (const type of types) {
        const group = groups.get(type.group) ?? { name: type.group, types: [] };
        group.types.push({ ...type, teamName: teamNames.get(type.teamId) ?? '' });
        groups.set(type.group, group);
      }
      return [...groups.values()];
    },

    async findType(actor: Actor, typeId: number): Promise<RequestType> {
      return (await findType(actor, typeId)).type;
    },

    async teamsOf(actor: Actor, organisationId: number) {
      await manage(actor, organisationId);
      return repository.teams(organisationId);
    },

    /** Kinds other members receive that this organisation does not yet: the codes it may join. */
    async kindsToJoin(actor: Actor, organisationId: number) {
      await manage(actor, organisationId);
      const members = await memberOrganisationIds();
      const own = new Set((await catalogue.typesOf(organisationId)).map((type) => type.serviceCode));
      return (await repository.kinds(members.filter((id) => id !== organisationId))).filter(
        (kind) => !own.has(kind.serviceCode),
      );
    },

    async createType(actor: Actor, input: NewTypeInput): Promise<number> {
      const manager = await manage(actor, input.organisationId);
      const owner = await organisation(input.organisationId);
      // Asked before the transaction: on PGlite a query outside it would wait for it for ever.
      const otherMembers = (await memberOrganisationIds()).filter((id) => id !== input.organisationId);
      return (
        db
          .transaction()
          .execute(async (trx) => {
            if (await repository.codeTaken(trx, input.organisationId, input.serviceCode)) {
              throw new CatalogueRuleError(
                'serviceCode',
                `${owner.name} already has a request type with the service code ${input.serviceCode}`,
              );
            }
            await checkTierAgrees(trx, otherMembers, input.serviceCode, input.tier);
            await checkDetails(trx, input.organisationId, input);
            const values = {
              organisation_id: input.organisationId,
              service_code: input.serviceCode,
              tier: input.tier,
              ...typeChanges(input),
            };
            const id = await repository.insertType(trx, values);
            await recordAudit(
              trx,
              { actor: manager, action: 'create', recordType: 'request-type', recordId: id, detail: values },
              clock(),
            );
            return id;
          })
          // The checks above cannot see a type another administrator is saving at the same moment: the constraint can.
          .catch(
            whenUnique(
              'request_types_organisation_id_service_code_key',
              () =>
                new CatalogueRuleError(
                  'serviceCode',
                  `${owner.name} already has a request type with the service code ${input.serviceCode}`,
                ),
            ),
          )
          .finally(() => catalogue.changed())
      );
    },

    /** Everything but the service code and tier, which other systems and routing rely on. */
    async updateType(actor: Actor, typeId: number, details: TypeDetails): Promise<void> {
      const { manager, type } = await findType(actor, typeId);
      const before = typeChanges(type);
      const after = typeChanges(details);
      await db.transaction().execute(async (trx) => {
        await checkDetails(trx, type.organisationId, details);
        await repository.updateType(trx, typeId, after);
        await recordAudit(
          trx,
          {
            actor: manager,
            action: 'update',
            recordType: 'request-type',
            recordId: typeId,
            detail: differences(before, after),
          },
          clock(),
        );
      });
      catalogue.changed();
    },

    async questionsOf(actor: Actor, typeId: number): Promise<{ type: RequestType; questions: Question[] }> {
      const { type } = await findType(actor, typeId);
      return { type, questions: await catalogue.questions(typeId) };
    },

    async findQuestion(
      actor: Actor,
      typeId: number,
      questionId: number,
    ): Promise<{ type: RequestType; question: Question }> {
      const { type, question } = await findQuestion(actor, typeId, questionId);
      return { type, question };
    },

    async addQuestion(actor: Actor, typeId: number, input: NewQuestionInput): Promise<number> {
      const { manager } = await findType(actor, typeId);
      const { code, ...changes } = input;
      return db
        .transaction()
        .execute(async (trx) => {
          const order = await repository.questionOrder(trx, typeId);
          if (order.some((question) => question.code === code))
            throw new CatalogueRuleError('code', `This request type already has a question with the code ${code}`);
          const id = await repository.insertQuestion(trx, typeId, code, order.length, changes);
          // New questions go last; positions are written afresh so older data with ties is put in order too.
          await repository.setPositions(trx, [...order.map((question) => question.id), id]);
          await recordAudit(
            trx,
            {
              actor: manager,
              action: 'create',
              recordType: 'request-type-question',
              recordId: id,
              detail: { requestTypeId: typeId, code, ...changes },
            },
            clock(),
          );
          return id;
        })
        .catch(
          whenUnique(
            'request_type_questions_request_type_id_code_key',
            () => new CatalogueRuleError('code', `This request type already has a question with the code ${code}`),
          ),
        );
    },

    /** Everything but the code, which answers already given are kept under. */
    async updateQuestion(actor: Actor, typeId: number, questionId: number, input: QuestionInput): Promise<void> {
      const { manager, question } = await findQuestion(actor, typeId, questionId);
      await db.transaction().execute(async (trx) => {
        await repository.updateQuestion(trx, questionId, input);
        const detail = { requestTypeId: typeId, code: question.code, ...differences(question, input) };
        await recordAudit(
          trx,
          { actor: manager, action: 'update', recordType: 'request-type-question', recordId: questionId, detail },
          clock(),
        );
      });
    },

    async moveQuestion(actor: Actor, typeId: number, questionId: number, direction: 'up' | 'down'): Promise<void> {
      const { manager, question } = await findQuestion(actor, typeId, questionId);
      await db.transaction().execute(async (trx) => {
        const ids = (await repository.questionOrder(trx, typeId)).map((row) => row.id);
        const from = ids.indexOf(questionId);
        const to = direction === 'up' ? from - 1 : from + 1;
        if (from < 0 || to < 0 || to >= ids.length) return;
        [ids[from], ids[to]] = [ids[to], ids[from]];
        await repository.setPositions(trx, ids);
        await recordAudit(
          trx,
          {
            actor: manager,
            action: 'move',
            recordType: 'request-type-question',
            recordId: questionId,
            detail: { requestTypeId: typeId, code: question.code, direction, position: to + 1 },
          },
          clock(),
        );
      });
    },

    /** How many requests hold an answer to the question: any at all, and it cannot be removed. */
    async casesAnswering(actor: Actor, typeId: number, questionId: number): Promise<number> {
      const { question } = await findQuestion(actor, typeId, questionId);
      return repository.casesAnswering(db, typeId, question.code);
    },

    async removeQuestion(actor: Actor, typeId: number, questionId: number): Promise<void> {
      const { manager, question } = await findQuestion(actor, typeId, questionId);
      await db.transaction().execute(async (trx) => {
        // Checked inside the transaction, so an answer saved a moment ago still counts.
        const answered = await repository.casesAnswering(trx, typeId, question.code);
        if (answered > 0) {
          throw new CatalogueRuleError(
            'question',
            `${answered} request${answered === 1 ? ' has an answer' : 's have answers'} to this question, so it cannot be removed. You can make it not required instead`,
          );
        }
        await repository.deleteQuestion(trx, questionId);
        await repository.setPositions(
          trx,
          (await repository.questionOrder(trx, typeId)).map((row) => row.id),
        );
        await recordAudit(
          trx,
          {
            actor: manager,
            action: 'delete',
            recordType: 'request-type-question',
            recordId: questionId,
            detail: { requestTypeId: typeId, ...question },
          },
          clock(),
        );
      });
    },

    /** What to offer instead of removing a question residents have answered. */
    async makeQuestionOptional(actor: Actor, typeId: number, questionId: number): Promise<void> {
      const { manager, question } = await findQuestion(actor, typeId, questionId);
      if (!question.required) return;
      await db.transaction().execute(async (trx) => {
        await repository.updateQuestion(trx, questionId, { required: false });
        await recordAudit(
          trx,
          {
            actor: manager,
            action: 'update',
            recordType: 'request-type-question',
            recordId: questionId,
            detail: { requestTypeId: typeId, code: question.code, from: { required: true }, to: { required: false } },
          },
          clock(),
        );
      });
    },

    async findTeam(actor: Actor, teamId: number) {
      const { team } = await findTeam(actor, teamId);
      const [owner, members, staff] = await Promise.all([
        organisation(team.organisationId),
        repository.teamMembers(teamId),
        repository.activeStaffOf(db, team.organisationId),
      ]);
      const memberIds = new Set(members.map((member) => member.id));
      return { team, organisation: owner, members, candidates: staff.filter((person) => !memberIds.has(person.id)) };
    },

    async createTeam(actor: Actor, organisationId: number, input: TeamInput): Promise<number> {
      const manager = await manage(actor, organisationId);
      const owner = await organisation(organisationId);
      return db
        .transaction()
        .execute(async (trx) => {
          if (await repository.findTeamByName(trx, organisationId, input.name))
            throw new CatalogueRuleError('name', `${owner.name} already has a team called ${input.name}`);
          const id = await repository.insertTeam(trx, {
            organisation_id: organisationId,
            name: input.name,
            email: input.email,
          });
          await recordAudit(
            trx,
            {
              actor: manager,
              action: 'create',
              recordType: 'team',
              recordId: id,
              detail: { organisationId, ...input },
            },
            clock(),
          );
          return id;
        })
        .catch(
          whenUnique(
            'teams_organisation_id_name_key',
            () => new CatalogueRuleError('name', `${owner.name} already has a team called ${input.name}`),
          ),
        );
    },

    async updateTeam(actor: Actor, teamId: number, input: TeamInput): Promise<void> {
      const { manager, team } = await findTeam(actor, teamId);
      const owner = await organisation(team.organisationId);
      await db
        .transaction()
        .execute(async (trx) => {
          const namesake = await repository.findTeamByName(trx, team.organisationId, input.name);
          if (namesake && namesake.id !== teamId)
            throw new CatalogueRuleError('name', `${owner.name} already has a team called ${input.name}`);
          await repository.updateTeam(trx, teamId, input);
          await recordAudit(
            trx,
            {
              actor: manager,
              action: 'update',
              recordType: 'team',
              recordId: teamId,
              detail: differences({ name: team.name, email: team.email }, input),
            },
            clock(),
          );
        })
        .catch(
          whenUnique(
            'teams_organisation_id_name_key',
            () => new CatalogueRuleError('name', `${owner.name} already has a team called ${input.name}`),
          ),
        );
    },

    async addTeamMember(actor: Actor, teamId: number, staffId: number): Promise<void> {
      const { manager, team } = await findTeam(actor, teamId);
      await db
        .transaction()
        .execute(async (trx) => {
          const person = (await repository.activeStaffOf(trx, team.organisationId)).find(
            (candidate) => candidate.id === staffId,
          );
          if (!person) throw new CatalogueRuleError('staffId', 'Select a member of staff of this organisation');
          if (await repository.isMember(trx, teamId, staffId))
            throw new CatalogueRuleError('staffId', `${person.name} is already in this team`);
          await repository.addMember(trx, teamId, staffId);
          await recordAudit(
            trx,
            {
              actor: manager,
              action: 'add-member',
              recordType: 'team',
              recordId: teamId,
              detail: { staffId, name: person.name },
            },
            clock(),
          );
        })
        .catch(
          whenUnique(
            'staff_teams_pkey',
            () => new CatalogueRuleError('staffId', 'This member of staff is already in this team'),
          ),
        );
    },

    async removeTeamMember(actor: Actor, teamId: number, staffId: number): Promise<void> {
      const { manager } = await findTeam(actor, teamId);
      await db.transaction().execute(async (trx) => {
        if (!(await repository.isMember(trx, teamId, staffId))) throw new NotFoundError();
        await repository.removeMember(trx, teamId, staffId);
        await recordAudit(
          trx,
          { actor: manager, action: 'remove-member', recordType: 'team', recordId: teamId, detail: { staffId } },
          clock(),
        );
      });
    },
  };
}

export type CatalogueAdminService = ReturnType<typeof createCatalogueAdminService>;
