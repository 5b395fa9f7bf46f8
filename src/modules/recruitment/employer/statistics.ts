import { sql, type Kysely } from 'kysely';
import type { Database } from '../../../db/schema.js';
import { DAY_MS } from '../../../shared/dates.js';
import { defaultEmployerSettings } from './settings.js';

/** The employers and the period a set of figures covers: `organisationIds` null for every employer. */
export interface FiguresScope {
  organisationIds: number[] | null;
  /** Inclusive. */
  from: Date;
  /** Exclusive. */
  to: Date;
}

/** Recruitment's figures as plain numbers, for the statistics page now and Insight later. */
export interface RecruitmentFigures {
  /** Applications submitted in the period (drafts never count), by how they came. */
  applicationsOnline: number;
  applicationsPaper: number;
  /** Online applications as a share of all, 0 to 1; null when there were none. */
  onlineShare: number | null;
  /** Appointments in the period: applications that reached appointed, by their event's time. */
  appointments: number;
  /** The median, in days, from a vacancy's posting to each appointment in the period; null when none. */
  medianDaysToHire: number | null;
  /** Online applications × each employer's cost of a paper pack: what printing and posting would have cost. */
  paperPacksSavedPence: number;
  /** Vacancies whose closing fell in the period, by how they ended. */
  vacanciesFilled: number;
  vacanciesNotFilled: number;
}

/**
 * Reads the figures straight from the rows: submitted applications by `submitted_at` (a paper one's
 * is the day it was received), appointments by their `application_events` row, and vacancies by
 * when they closed (early, or at their deadline).
 */
export async function recruitmentFigures(db: Kysely<Database>, scope: FiguresScope): Promise<RecruitmentFigures> {
  const inScope = scope.organisationIds;
  if (inScope !== null && inScope.length === 0) return emptyFigures();

  const byChannel = await db
    .selectFrom('applications')
    .innerJoin('vacancies', 'vacancies.id', 'applications.vacancy_id')
    .leftJoin(
      'recruitment_employer_settings',
      'recruitment_employer_settings.organisation_id',
      'vacancies.organisation_id',
    )
    .select((eb) => [
      'applications.channel',
      eb.fn.countAll<string>().as('count'),
      eb.fn
        .sum<string>(
          eb.fn.coalesce(
            'recruitment_employer_settings.paper_pack_cost_pence',
            sql<number>`${defaultEmployerSettings.paperPackCostPence}`,
          ),
        )
        .as('pack_cost_pence'),
    ])
    .where('applications.submitted_at', '>=', scope.from)
    .where('applications.submitted_at', '<', scope.to)
    .where('applications.status', '!=', 'draft')
    .$if(inScope !== null, (query) => query.where('vacancies.organisation_id', 'in', inScope!))
    .groupBy('applications.channel')
    .execute();
  const online = byChannel.find((row) => row.channel === 'online');
  const paper = byChannel.find((row) => row.channel === 'paper');
  const applicationsOnline = Number(online?.count ?? 0);
  const applicationsPaper = Number(paper?.count ?? 0);

  // Each application's first appointment event (there is one: appointed is final).
  const hires = await db
    .selectFrom('application_events')
    .innerJoin('applications', 'applications.id', 'application_events.application_id')
    .innerJoin('vacancies', 'vacancies.id', 'applications.vacancy_id')
    .select(['application_events.created_at as appointed_at', 'vacancies.posted_at'])
    .where('application_events.to_status', '=', 'appointed')
    .where('application_events.created_at', '>=', scope.from)
    .where('application_events.created_at', '<', scope.to)
    .where('vacancies.posted_at', 'is not', null)
    .$if(inScope !== null, (query) => query.where('vacancies.organisation_id', 'in', inScope!))
    .execute();
  const days = hires
    .map((hire) => (new Date(hire.appointed_at).getTime() - new Date(hire.posted_at!).getTime()) / DAY_MS)
    .sort((a, b) => a - b);

  const ended = await db
    .selectFrom('vacancies')
    .select((eb) => ['status', eb.fn.countAll<string>().as('count')])
    .where('status', 'in', ['appointed', 'not_filled'])
    .where((eb) => eb(eb.fn.coalesce('closed_at', 'closes_at'), '>=', scope.from))
    .where((eb) => eb(eb.fn.coalesce('closed_at', 'closes_at'), '<', scope.to))
    .$if(inScope !== null, (query) => query.where('organisation_id', 'in', inScope!))
    .groupBy('status')
    .execute();

  const total = applicationsOnline + applicationsPaper;
  return {
    applicationsOnline,
    applicationsPaper,
    onlineShare: total === 0 ? null : applicationsOnline / total,
    appointments: days.length,
    medianDaysToHire: median(days),
    paperPacksSavedPence: Number(online?.pack_cost_pence ?? 0),
    vacanciesFilled: Number(ended.find((row) => row.status === 'appointed')?.count ?? 0),
    vacanciesNotFilled: Number(ended.find((row) => row.status === 'not_filled')?.count ?? 0),
  };
}

function median(sorted: number[]): number | null {
  if (sorted.length === 0) return null;
  const middle = Math.floor(sorted.length / 2);
  const value = sorted.length % 2 === 1 ? sorted[middle] : (sorted[middle - 1] + sorted[middle]) / 2;
  return Math.round(value * 10) / 10;
}

function emptyFigures(): RecruitmentFigures {
  return {
    applicationsOnline: 0,
    applicationsPaper: 0,
    onlineShare: null,
    appointments: 0,
    medianDaysToHire: null,
    paperPacksSavedPence: 0,
    vacanciesFilled: 0,
    vacanciesNotFilled: 0,
  };
}
