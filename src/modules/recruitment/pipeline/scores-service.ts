import { sql, type Kysely, type Transaction } from 'kysely';
import type { ApplicationStatus, Database } from '../../../db/schema.js';
import type { Actor } from '../../../shared/actor.js';
import { ForbiddenError } from '../../../shared/errors.js';
import { recordAudit } from '../../audit/service.js';
import { rolesHolding } from '../../identity/policy.js';
import { recruiterAccess, vacancyAccess, vacancyOfApplication } from './access.js';

type Executor = Kysely<Database> | Transaction<Database>;

/**
 * Shortlisting: the vacancy's panel, and each member's score of every criterion of each application,
 * 0 (no evidence) to 3 (strong evidence). A member scores an application all at once (the form asks
 * for every criterion), so "scored by" counts members who have given a full set.
 */
export const scoreMeanings = ['No evidence', 'Limited evidence', 'Some evidence', 'Strong evidence'] as const;

export interface ScoreSummary {
  /** The mean, over the members who scored, of each member's total; null until someone has. */
  meanTotal: number | null;
  scoredBy: number;
  panelSize: number;
  /** Highest total possible: 3 for each criterion. */
  outOf: number;
}

/** The panel may score an application until its interview is arranged. */
export const scorableStages: readonly ApplicationStatus[] = ['submitted', 'reserve', 'shortlisted'];

export async function scoreSummaries(
  db: Executor,
  vacancyId: number,
  applicationIds: number[],
): Promise<Map<number, ScoreSummary>> {
  const [panel, criteria] = await Promise.all([
    db
      .selectFrom('vacancy_panel_members')
      .select((eb) => eb.fn.countAll<string | number>().as('count'))
      .where('vacancy_id', '=', vacancyId)
      .executeTakeFirstOrThrow(),
    db
      .selectFrom('vacancy_criteria')
      .select((eb) => eb.fn.countAll<string | number>().as('count'))
      .where('vacancy_id', '=', vacancyId)
      .executeTakeFirstOrThrow(),
  ]);
  const totals = applicationIds.length
    ? await db
        .selectFrom('shortlist_scores')
        .select(['application_id', 'staff_id', (eb) => eb.fn.sum<string | number>('score').as('total')])
        .where('application_id', 'in', applicationIds)
        .groupBy(['application_id', 'staff_id'])
        .execute()
    : [];
  const byApplication = new Map<number, number[]>();
  for (const row of totals)
    byApplication.set(row.application_id, [...(byApplication.get(row.application_id) ?? []), Number(row.total)]);
  const panelSize = Number(panel.count);
  const outOf = 3 * Number(criteria.count);
  return new Map(
    applicationIds.map((id) => {
      const given = byApplication.get(id) ?? [];
      return [
        id,
        {
          meanTotal: given.length ? given.reduce((sum, total) => sum + total, 0) / given.length : null,
          scoredBy: given.length,
          panelSize,
          outOf,
        },
      ];
    }),
  );
}

export interface ScoreInput {
  criterionId: number;
  score: number;
  note: string;
}

export function createScoresService({ db, clock }: { db: Kysely<Database>; clock: () => Date }) {
  return {
    /**
     * The panel, and (for recruiters, who manage it) who could join it: staff of the vacancy's
     * organisation who may shortlist. Panel members see the panel and the ranking too.
     */
    async panel(actor: Actor, vacancyId: number) {
      const access = await vacancyAccess(db, actor, vacancyId);
      const members = await db
        .selectFrom('vacancy_panel_members')
        .innerJoin('staff_directory', 'staff_directory.id', 'vacancy_panel_members.staff_id')
        .select(['staff_directory.id', 'staff_directory.name', 'staff_directory.email', 'staff_directory.roles'])
        .where('vacancy_panel_members.vacancy_id', '=', vacancyId)
        .orderBy('staff_directory.name')
        .execute();
      const candidates = access.role === 'recruiter' ? await eligibleStaff(db, access.vacancy.organisation_id) : [];
      const memberIds = new Set(members.map((member) => member.id));
      return { access, members, candidates: candidates.filter((candidate) => !memberIds.has(candidate.id)) };
    },

    async addPanelMember(actor: Actor, vacancyId: number, staffId: number, ipAddress: string | null) {
      const access = await recruiterAccess(db, actor, vacancyId);
      const eligible = await eligibleStaff(db, access.vacancy.organisation_id);
      if (!eligible.some((candidate) => candidate.id === staffId)) return false;
      await db.transaction().execute(async (tx) => {
        await tx
          .insertInto('vacancy_panel_members')
          .values({ vacancy_id: vacancyId, staff_id: staffId })
          .onConflict((conflict) => conflict.doNothing())
          .execute();
        await recordAudit(
          tx,
          {
            actor: access.staff,
            action: 'update',
            recordType: 'vacancy_panel',
            recordId: vacancyId,
            detail: { added: staffId },
            ipAddress,
          },
          clock(),
        );
      });
      return true;
    },

    async removePanelMember(actor: Actor, vacancyId: number, staffId: number, ipAddress: string | null) {
      const access = await recruiterAccess(db, actor, vacancyId);
      await db.transaction().execute(async (tx) => {
        await tx
          .deleteFrom('vacancy_panel_members')
          .where('vacancy_id', '=', vacancyId)
          .where('staff_id', '=', staffId)
          .execute();
        await recordAudit(
          tx,
          {
            actor: access.staff,
            action: 'update',
            recordType: 'vacancy_panel',
            recordId: vacancyId,
            detail: { removed: staffId },
            ipAddress,
          },
          clock(),
        );
      });
    },

    /** The criteria of an application's vacancy with this panel member's scores so far. */
    async scoring(actor: Actor, applicationId: number) {
      const access = await vacancyAccess(db, actor, await vacancyOfApplication(db, applicationId));
      if (!access.onPanel) throw new ForbiddenError('Only members of the vacancy’s panel score its applications');
      const criteria = await db
        .selectFrom('vacancy_criteria')
        .leftJoin('shortlist_scores', (join) =>
          join
            .onRef('shortlist_scores.criterion_id', '=', 'vacancy_criteria.id')
            .on('shortlist_scores.application_id', '=', applicationId)
            .on('shortlist_scores.staff_id', '=', access.staff.staffId),
        )
        .select([
          'vacancy_criteria.id',
          'vacancy_criteria.kind',
          'vacancy_criteria.text',
          'shortlist_scores.score',
          'shortlist_scores.note',
        ])
        .where('vacancy_criteria.vacancy_id', '=', access.vacancy.id)
        .orderBy('vacancy_criteria.position')
        .execute();
      return { access, criteria };
    },

    /** Saves a panel member's full set of scores of one application, replacing any earlier set. */
    async saveScores(actor: Actor, applicationId: number, scores: ScoreInput[], ipAddress: string | null) {
      const { access, criteria } = await this.scoring(actor, applicationId);
      const application = await db
        .selectFrom('applications')
        .select('status')
        .where('id', '=', applicationId)
        .executeTakeFirstOrThrow();
      if (!scorableStages.includes(application.status))
        throw new ForbiddenError('This application is past shortlisting, so its scores can no longer change');
      const wanted = new Set(criteria.map((criterion) => criterion.id));
      const given = scores.filter((score) => wanted.has(score.criterionId));
      if (given.length !== wanted.size) throw new Error('Every criterion must be scored');
      const now = clock();
      await db.transaction().execute(async (tx) => {
        await tx
          .insertInto('shortlist_scores')
          .values(
            given.map((score) => ({
              application_id: applicationId,
              criterion_id: score.criterionId,
              staff_id: access.staff.staffId,
              score: score.score,
              note: score.note,
              updated_at: now,
            })),
          )
          .onConflict((conflict) =>
            conflict.columns(['application_id', 'criterion_id', 'staff_id']).doUpdateSet((eb) => ({
              score: eb.ref('excluded.score'),
              note: eb.ref('excluded.note'),
              updated_at: eb.ref('excluded.updated_at'),
            })),
          )
          .execute();
        await recordAudit(
          tx,
          {
            actor: access.staff,
            action: 'score',
            recordType: 'application',
            recordId: applicationId,
            detail: { scores: given.map((score) => ({ criterion: score.criterionId, score: score.score })) },
            ipAddress,
          },
          now,
        );
      });
    },
  };
}

/** Active staff of the organisation holding recruitment.shortlist: who may sit on a panel. */
async function eligibleStaff(db: Executor, organisationId: number) {
  return db
    .selectFrom('staff_directory')
    .select(['id', 'name', 'email', 'roles'])
    .where('organisation_id', '=', organisationId)
    .where('active', '=', true)
    .where(sql<boolean>`roles && ${sql.val(rolesHolding('recruitment.shortlist'))}::text[]`)
    .orderBy('name')
    .execute();
}

export type ScoresService = ReturnType<typeof createScoresService>;
