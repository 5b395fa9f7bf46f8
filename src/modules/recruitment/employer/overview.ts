import { sql, type Kysely } from 'kysely';
import type { ApplicationStatus, Database } from '../../../db/schema.js';
import { vacancyPhase, type VacancyPhase } from '../vacancies/phase.js';

export const overviewPhases: readonly VacancyPhase[] = [
  'draft',
  'awaiting_approval',
  'scheduled',
  'live',
  'closed',
  'appointed',
  'not_filled',
  'cancelled',
];

/**
 * An organisation's vacancies with the number of applications at each stage (drafts are not yet
 * applications), narrowed to a phase. The phase is read from status and times in SQL the same way
 * `vacancyPhase` reads it, so the filter uses the (organisation, status) index.
 */
export async function vacancyOverview(
  db: Kysely<Database>,
  organisationId: number,
  phase: VacancyPhase | null,
  now: Date,
) {
  const rows = await db
    .selectFrom('vacancies')
    .select(['id', 'title', 'slug', 'status', 'publish_at', 'closes_at', 'service_area'])
    .where('organisation_id', '=', organisationId)
    .$if(phase !== null, (query) =>
      query.where((eb) => {
        switch (phase) {
          case 'scheduled':
            return eb.and([eb('status', '=', 'published'), eb('publish_at', '>', now)]);
          case 'live':
            return eb.and([
              eb('status', '=', 'published'),
              eb.or([eb('publish_at', 'is', null), eb('publish_at', '<=', now)]),
              eb('closes_at', '>', now),
            ]);
          case 'closed':
            return eb.or([
              eb('status', '=', 'closed'),
              eb.and([
                eb('status', '=', 'published'),
                eb('closes_at', '<=', now),
                eb.or([eb('publish_at', 'is', null), eb('publish_at', '<=', now)]),
              ]),
            ]);
          default:
            return eb('status', '=', phase!);
        }
      }),
    )
    .orderBy('closes_at', 'desc')
    .orderBy('id', 'desc')
    .limit(500)
    .execute();
  const ids = rows.map((row) => row.id);
  const counts = ids.length
    ? await db
        .selectFrom('applications')
        .select(['vacancy_id', 'status', sql<string>`count(*)`.as('count')])
        .where('vacancy_id', 'in', ids)
        .where('status', '!=', 'draft')
        .groupBy(['vacancy_id', 'status'])
        .execute()
    : [];
  return rows.map((row) => {
    const byStage: Partial<Record<ApplicationStatus, number>> = {};
    let total = 0;
    for (const count of counts)
      if (count.vacancy_id === row.id) {
        byStage[count.status] = Number(count.count);
        total += Number(count.count);
      }
    return { ...row, phase: vacancyPhase(row, now), byStage, total };
  });
}
