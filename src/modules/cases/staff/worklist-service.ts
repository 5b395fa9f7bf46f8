import { Readable, pipeline } from 'node:stream';
import { stringify } from 'csv-stringify';
import type { Kysely } from 'kysely';
import type { Database } from '../../../db/schema.js';
import { neutraliseFormula } from '../../audit/browse-service.js';
import { recordAudit } from '../../audit/service.js';
import type { Actor, StaffActor } from '../../../shared/actor.js';
import { hasCapability, requireCapability } from '../../identity/policy.js';
import { ForbiddenError } from '../../../shared/errors.js';
import { worksWithCases } from '../core/case-policy.js';
import type { CaseRepository } from '../core/case-repository.js';
import type { CaseService } from '../core/case-service.js';
import type { CatalogueService } from '../catalogue/service.js';
import { caseTiming, channelNames, closureReasonNames, isOverdue } from './presenters.js';
import { staffStatusNames } from '../core/status.js';
import { DAY_MS, dayInEngland } from '../../../shared/dates.js';
import { countPages } from '../../../shared/pagination.js';
import type { WorklistRepository, WorklistRow, WorklistSelection } from './worklist-repository.js';
import type { Whose, WorklistFilters } from './worklist-schemas.js';

export const CASES_PER_PAGE = 25;
/** The most cases a worklist counts: beyond it the page says "more than", and the filters or the CSV export take over. */
export const CASES_COUNTED = 1_000;
export const OLDEST_OVERDUE_SHOWN = 10;
const EXPORT_BATCH = 500;
/** Saved filters a member of staff may keep: enough for every team and kind they work, few enough to scan. */
export const SAVED_FILTERS_LIMIT = 20;

export interface WorklistServiceDependencies {
  db: Kysely<Database>;
  repository: WorklistRepository;
  caseRepository: CaseRepository;
  cases: CaseService;
  catalogue: CatalogueService;
  clock: () => Date;
}

export interface FilterOptions {
  kinds: { serviceCode: string; name: string }[];
  teams: { id: number; name: string }[];
}

const csvColumns = [
  { key: 'reference', header: 'Reference' },
  { key: 'type', header: 'Kind of request' },
  { key: 'organisation', header: 'Organisation' },
  { key: 'team', header: 'Team' },
  { key: 'assignee', header: 'Assigned to' },
  { key: 'status', header: 'Status' },
  { key: 'closureReason', header: 'Closed because' },
  { key: 'channel', header: 'Channel' },
  { key: 'received', header: 'Received (UTC)' },
  { key: 'due', header: 'Due' },
  { key: 'overdue', header: 'Overdue' },
  { key: 'postcode', header: 'Postcode' },
  { key: 'location', header: 'Location' },
  { key: 'latitude', header: 'Latitude' },
  { key: 'longitude', header: 'Longitude' },
  { key: 'description', header: 'Description' },
];

/** Service managers and organisation administrators see their organisation's load and overdue work. */
function requireManager(actor: Actor): StaffActor {
  return requireCapability(actor, 'cases.manage');
}

function requireCaseWorker(actor: Actor): StaffActor {
  if (!worksWithCases(actor)) throw new ForbiddenError();
  return actor;
}

/**
 * The staff worklist, its CSV export, finding a case by reference, and the manager view. Each
 * reaches only the actor's own organisation's cases (or those it recorded for another partner).
 */
export function createWorklistService({
  db,
  repository,
  caseRepository,
  cases,
  catalogue,
  clock,
}: WorklistServiceDependencies) {
  const today = () => dayInEngland(clock());

  function selectionFor(actor: StaffActor, filters: WorklistFilters): WorklistSelection {
    return { organisationId: actor.organisationId, staffId: actor.staffId, today: today(), filters };
  }

  return {
    isManager: (actor: Actor) => {
      try {
        requireManager(actor);
        return true;
      } catch {
        return false;
      }
    },

    /** The filters this member of staff saved, each with its worklist address. */
    async savedFilters(actor: Actor) {
      const staff = requireCaseWorker(actor);
      return repository.savedFilters(staff.staffId);
    },

    /** Saves the worklist's filters (its query string, already read as filters) under a name. */
    async saveFilters(actor: Actor, name: string, query: string): Promise<'saved' | 'too-many'> {
      const staff = requireCaseWorker(actor);
      const saved = await repository.savedFilters(staff.staffId);
      if (!saved.some((filter) => filter.name === name) && saved.length >= SAVED_FILTERS_LIMIT) return 'too-many';
      await repository.saveFilters(staff.staffId, name, query);
      return 'saved';
    },

    async removeSavedFilters(actor: Actor, id: number): Promise<void> {
      const staff = requireCaseWorker(actor);
      await repository.removeSavedFilters(staff.staffId, id);
    },

    /** A partner agency owns no cases: its list is what its advisers recorded for clients. */
    defaultWhose(actor: Actor): Whose {
      const staff = requireCaseWorker(actor);
      const followsOnly =
        hasCapability(staff, 'cases.recordForClient') &&
        !hasCapability(staff, 'cases.answerCallers') &&
        !hasCapability(staff, 'cases.act');
      return followsOnly ? 'recorded' : 'ours';
    },

    /** The kinds of request and teams to filter by: the organisation's own, or every kind when it has none. */
    async filterOptions(actor: Actor): Promise<FilterOptions> {
      const staff = requireCaseWorker(actor);
      const [ownTypes, teams] = await Promise.all([
        catalogue.typesOf(staff.organisationId),
        repository.teamsOf(staff.organisationId),
      ]);
      const kinds = ownTypes.length > 0 ? ownTypes : await catalogue.kinds();
      const byCode = new Map(
        kinds.map((kind) => [kind.serviceCode, { serviceCode: kind.serviceCode, name: kind.name }]),
      );
      return { kinds: [...byCode.values()].sort((a, b) => a.name.localeCompare(b.name)), teams };
    },

    /** The errors of filters that name a kind or team that is not on offer (a hand-made address). */
    checkFilters(filters: WorklistFilters, options: FilterOptions): { field: string; message: string } | null {
      if (filters.serviceCode && !options.kinds.some((kind) => kind.serviceCode === filters.serviceCode))
        return { field: 'type', message: 'Select a kind of request from the list' };
      if (filters.teamId && !options.teams.some((team) => team.id === filters.teamId))
        return { field: 'team', message: 'Select a team from the list' };
      return null;
    },

    /** One page of the worklist. Its rows show where people reported things, so the read is recorded. */
    async list(actor: Actor, filters: WorklistFilters, page: number, ipAddress: string | null) {
      const staff = requireCaseWorker(actor);
      const selection = selectionFor(staff, filters);
      const counted = await repository.countUpTo(selection, CASES_COUNTED + 1);
      const moreThanCounted = counted > CASES_COUNTED;
      const total = Math.min(counted, CASES_COUNTED);
      const pageCount = countPages(total, CASES_PER_PAGE);
      // Pages end where the count does, so no page asks the database to skip more than it counted.
      const rows =
        page <= pageCount ? await repository.page(selection, (page - 1) * CASES_PER_PAGE, CASES_PER_PAGE) : [];
      await recordAudit(
        db,
        {
          actor: staff,
          action: 'read',
          recordType: 'case_list',
          detail: { filters, page, shown: rows.length },
          ipAddress,
        },
        clock(),
      );
      return {
        rows: rows.map((row) => ({ ...row, timing: caseTiming(row, selection.today) })),
        total,
        moreThanCounted,
        page,
        pageCount,
      };
    },

    /**
     * Every case the filters select, as CSV, read in batches as the response is sent. The export is
     * recorded before the first row leaves, so no copy goes out unrecorded. Contact details are left
     * out (open the case for them): the file is for planning work, and may be passed around.
     */
    async exportCsv(actor: Actor, filters: WorklistFilters, ipAddress: string | null): Promise<Readable> {
      const staff = requireCaseWorker(actor);
      const selection = selectionFor(staff, filters);
      await recordAudit(
        db,
        { actor: staff, action: 'export', recordType: 'case_list', detail: { filters }, ipAddress },
        clock(),
      );
      async function* rows() {
        for (let last: WorklistRow | null = null; ;) {
          const batch = await repository.after(selection, last, EXPORT_BATCH);
          for (const row of batch) yield csvRow(row, selection.today);
          if (batch.length < EXPORT_BATCH) return;
          last = batch[batch.length - 1];
        }
      }
      const csv = stringify({
        header: true,
        columns: csvColumns,
        cast: { string: (value) => neutraliseFormula(value) },
      });
      // pipeline, not pipe: a failed query destroys the response instead of leaving it hanging.
      pipeline(Readable.from(rows()), csv, () => {});
      return csv;
    },

    /**
     * The case with this reference, if this member of staff may see it, wherever it is now: an
     * agent answering "where is my request?" for any partner. Whether a case they may not see
     * exists is not revealed.
     */
    async findByReference(actor: Actor, reference: string): Promise<number | null> {
      requireCaseWorker(actor);
      const record = await caseRepository.findByReference(reference);
      if (!record) return null;
      try {
        return (await cases.getForStaff(actor, record.id)).id;
      } catch (error) {
        if (error instanceof ForbiddenError) return null;
        throw error;
      }
    },

    /**
     * Open and overdue work per team and per kind, and targets met: for a manager, with the
     * longest-overdue cases; for an analyst, the figures alone.
     */
    async overview(actor: Actor) {
      const viewer = requireCapability(actor, 'cases.figures');
      const manages = hasCapability(viewer, 'cases.manage');
      const day = today();
      const now = clock();
      const split = new Date(now.getTime() - TARGET_WINDOW_DAYS * DAY_MS);
      const from = new Date(now.getTime() - 2 * TARGET_WINDOW_DAYS * DAY_MS);
      const [teams, types, oldest, teamTargets, typeTargets] = await Promise.all([
        repository.loadByTeam(viewer.organisationId, day),
        repository.loadByType(viewer.organisationId, day),
        manages ? repository.oldestOverdue(viewer.organisationId, day, OLDEST_OVERDUE_SHOWN) : Promise.resolve([]),
        repository.targetsMet(viewer.organisationId, 'team', from, split),
        repository.targetsMet(viewer.organisationId, 'type', from, split),
      ]);
      const total = (key: Exclude<keyof TargetCounts, 'name'>) =>
        teamTargets.reduce((sum, row) => sum + Number(row[key]), 0);
      const counted = <T extends { open: string | number; overdue: string | number }>(rows: T[]) =>
        rows.map((row) => ({ ...row, open: Number(row.open), overdue: Number(row.overdue) }));
      const byTeam = counted(teams);
      const byType = counted(types);
      return {
        byTeam,
        byType,
        oldestOverdue: oldest,
        manages,
        targets: {
          windowDays: TARGET_WINDOW_DAYS,
          byTeam: teamTargets.map(targetFigures),
          byType: typeTargets.map(targetFigures),
          overall: targetFigures({
            name: 'All',
            recent: total('recent'),
            recentMet: total('recentMet'),
            earlier: total('earlier'),
            earlierMet: total('earlierMet'),
          }),
        },
        totals: {
          open: byTeam.reduce((sum, row) => sum + row.open, 0),
          overdue: byTeam.reduce((sum, row) => sum + row.overdue, 0),
        },
        today: day,
      };
    },
  };
}

/** Targets met are counted over this many days, and compared with the same length of time before. */
export const TARGET_WINDOW_DAYS = 28;

type TargetCounts = {
  name: string;
  recent: string | number;
  recentMet: string | number;
  earlier: string | number;
  earlierMet: string | number;
};

const percent = (part: number, whole: number) => (whole === 0 ? null : Math.round((part / whole) * 100));

/** A row of targets met: the recent share, and whether it rose or fell against the period before. */
function targetFigures(row: TargetCounts) {
  const finished = Number(row.recent);
  const met = percent(Number(row.recentMet), finished);
  const before = percent(Number(row.earlierMet), Number(row.earlier));
  const trend = met === null || before === null ? null : met > before ? 'up' : met < before ? 'down' : 'same';
  return { name: row.name, finished, met, before, trend };
}

function csvRow(row: WorklistRow, today: string) {
  return {
    reference: row.reference,
    type: row.type_name,
    organisation: row.organisation_name,
    team: row.team_name ?? '',
    assignee: row.assignee_name ?? '',
    status: staffStatusNames[row.status],
    closureReason: row.closure_reason ? closureReasonNames[row.closure_reason] : '',
    channel: channelNames[row.channel],
    received: row.created_at.toISOString(),
    due: row.due_on,
    overdue: isOverdue(row, today) ? 'Yes' : 'No',
    postcode: row.postcode ?? '',
    location: row.location_description,
    latitude: String(row.latitude),
    longitude: String(row.longitude),
    description: row.description,
  };
}

export type WorklistService = ReturnType<typeof createWorklistService>;
