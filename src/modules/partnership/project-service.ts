import type { Kysely } from 'kysely';
import type { Database } from '../../db/schema.js';
import { recordAudit } from '../audit/service.js';
import type { Actor, StaffActor } from '../../shared/actor.js';
import { hasCapability, isStaff, reachesEveryOrganisation, requireCapability } from '../identity/policy.js';
import { ForbiddenError, NotFoundError } from '../../shared/errors.js';
import type { ProjectValues, ProjectsRepository } from './projects-repository.js';
import type { PartnershipRepository } from './repository.js';
import { PartnershipRuleError } from './rules.js';
import type { ProjectForm } from './schemas.js';

interface Dependencies {
  db: Kysely<Database>;
  repository: PartnershipRepository;
  projects: ProjectsRepository;
  clock: () => Date;
}

type Outcome = 'worked' | 'did_not_work';

/**
 * The projects register and its lessons. Every member of staff may read them — lessons are there to be
 * learned from. Recording needs 'projects.record' and, outside partnership administration, that the
 * recorder's organisation is a member of the project's partnership.
 */
export function createProjectService({ db, repository, projects, clock }: Dependencies) {
  async function mayRecordIn(actor: Actor, partnershipId: number): Promise<boolean> {
    if (!hasCapability(actor, 'projects.record')) return false;
    return reachesEveryOrganisation(actor) || repository.isMember(partnershipId, actor.organisationId);
  }

  async function requireRecorder(actor: Actor, partnershipId: number): Promise<StaffActor> {
    const recorder = requireCapability(actor, 'projects.record');
    if (!(await mayRecordIn(recorder, partnershipId))) throw new ForbiddenError();
    return recorder;
  }

  async function findProject(id: number) {
    const project = await projects.find(id);
    if (!project) throw new NotFoundError();
    return project;
  }

  /** The chosen organisations must belong to the partnership: a project is its members' work. */
  async function checkMembers(partnershipId: number, chosen: number[]) {
    const members = new Set((await repository.listMembers(partnershipId)).map((member) => member.id));
    if (chosen.some((id) => !members.has(id)))
      throw new PartnershipRuleError('members', 'Select organisations from the partnership’s members');
  }

  function valuesOf(form: ProjectForm): ProjectValues {
    return {
      name: form.name,
      summary: form.summary,
      status: form.status,
      starts_on: form.startsOn,
      ends_on: form.endsOn,
      expected_cashable_pence: form.expectedCashable,
      expected_non_cashable_pence: form.expectedNonCashable,
      expected_other: form.expectedOther,
      realised_cashable_pence: form.realisedCashable,
      realised_non_cashable_pence: form.realisedNonCashable,
      realised_other: form.realisedOther,
    };
  }

  return {
    mayRecordIn,

    /** What the new-project form needs: the partnership and its members to choose from. */
    async newProjectOptions(actor: Actor, partnershipId: number) {
      const partnership = await repository.findPartnershipById(partnershipId);
      if (!partnership) throw new NotFoundError();
      await requireRecorder(actor, partnershipId);
      return { partnership, members: await repository.listMembers(partnershipId) };
    },

    async create(actor: Actor, partnershipId: number, form: ProjectForm): Promise<number> {
      if (!(await repository.findPartnershipById(partnershipId))) throw new NotFoundError();
      const recorder = await requireRecorder(actor, partnershipId);
      await checkMembers(partnershipId, form.members);
      return db.transaction().execute(async (trx) => {
        const id = await projects.insert(trx, partnershipId, valuesOf(form), form.members);
        await recordAudit(
          trx,
          {
            actor: recorder,
            action: 'create',
            recordType: 'partnership-project',
            recordId: id,
            detail: { partnershipId, ...form },
          },
          clock(),
        );
        return id;
      });
    },

    async get(actor: Actor, id: number) {
      if (!isStaff(actor)) throw new ForbiddenError();
      const project = await findProject(id);
      return {
        project,
        members: await projects.listMembers(id),
        lessons: await projects.listLessons({ projectId: id }),
        mayRecord: await mayRecordIn(actor, project.partnership_id),
      };
    },

    /** The project and the partnership's members, for the edit form. */
    async editOptions(actor: Actor, id: number) {
      const project = await findProject(id);
      await requireRecorder(actor, project.partnership_id);
      return {
        project,
        members: await repository.listMembers(project.partnership_id),
        chosen: await projects.listMembers(id),
      };
    },

    async update(actor: Actor, id: number, form: ProjectForm): Promise<void> {
      const project = await findProject(id);
      const recorder = await requireRecorder(actor, project.partnership_id);
      // Someone who left the partnership may still be named on its past projects; keeping them is allowed.
      const already = new Set((await projects.listMembers(id)).map((member) => member.id));
      await checkMembers(
        project.partnership_id,
        form.members.filter((member) => !already.has(member)),
      );
      await db.transaction().execute(async (trx) => {
        await projects.update(trx, id, valuesOf(form), form.members);
        await recordAudit(
          trx,
          { actor: recorder, action: 'update', recordType: 'partnership-project', recordId: id, detail: { ...form } },
          clock(),
        );
      });
    },

    async lessonOptions(actor: Actor, projectId: number) {
      const project = await findProject(projectId);
      await requireRecorder(actor, project.partnership_id);
      return { project };
    },

    async addLesson(actor: Actor, projectId: number, form: { outcome: Outcome; lesson: string }): Promise<number> {
      const project = await findProject(projectId);
      const recorder = await requireRecorder(actor, project.partnership_id);
      const now = clock();
      return db.transaction().execute(async (trx) => {
        const id = await projects.insertLesson(trx, {
          project_id: projectId,
          outcome: form.outcome,
          lesson: form.lesson,
          recorded_by_staff_id: recorder.staffId,
          recorded_at: now,
        });
        await recordAudit(
          trx,
          {
            actor: recorder,
            action: 'create',
            recordType: 'project-lesson',
            recordId: id,
            detail: { projectId, ...form },
          },
          now,
        );
        return id;
      });
    },

    /** What has worked and what has not, across every project. */
    async listLessons(actor: Actor, outcome: Outcome | undefined) {
      if (!isStaff(actor)) throw new ForbiddenError();
      return projects.listLessons({ outcome });
    },
  };
}

export type ProjectService = ReturnType<typeof createProjectService>;
