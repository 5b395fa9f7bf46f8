import { randomBytes } from 'node:crypto';
import type { Actor } from '../../../shared/actor.js';
import { ForbiddenError, NotFoundError } from '../../../shared/errors.js';
import { describeSearch, searchFromQueryString, searchQueryString } from '../jobs/search-query.js';
import type { JobSearchService } from '../jobs/service.js';
import type { AlertFrequency, AlertRow, AlertsRepository } from './repository.js';

/** Enough for anyone's real searches; a limit so that one account cannot fill the table. */
export const ALERTS_PER_APPLICANT = 20;

export type CreateOutcome =
  | { outcome: 'created'; alert: AlertRow }
  /** The search names nothing (a postcode we do not know, an employer not in the partnership) or cannot be read. */
  | { outcome: 'unusable-search' }
  | { outcome: 'too-many' };

/** Keys are made by randomBytes(24) as base64url: anything else cannot be one. */
const wellFormedKey = (key: string) => /^[A-Za-z0-9_-]{32}$/.test(key);

/**
 * Job alerts, with who may do what: a signed-in citizen makes, reads, changes and deletes only their
 * own alerts (anyone else's is not there); an emailed key stops or keeps the one alert it belongs to.
 */
export function createAlertsService({
  repository,
  jobs,
  clock,
}: {
  repository: AlertsRepository;
  jobs: JobSearchService;
  clock: () => Date;
}) {
  function ownerOf(actor: Actor): number {
    if (actor.kind !== 'citizen') throw new ForbiddenError('Job alerts are for applicants signed in to their account');
    return actor.citizenId;
  }

  async function own(actor: Actor, id: number): Promise<AlertRow> {
    const alert = await repository.findOwn(ownerOf(actor), id);
    if (!alert) throw new NotFoundError();
    return alert;
  }

  return {
    /** The search an alert keeps, in words ("Jobs matching “cook”, within 10 miles of DE4 3AG"). */
    async wordsFor(query: string): Promise<string> {
      const search = searchFromQueryString(query);
      if (!search) return 'A search that no longer works';
      const employer = (await jobs.employers()).find((candidate) => candidate.id === search.employerId)?.name;
      return describeSearch(search, employer);
    },

    async list(actor: Actor): Promise<AlertRow[]> {
      return repository.listFor(ownerOf(actor));
    },

    find: own,

    /** Saves the search as the citizen's alert, in its canonical form, if it names only things that exist. */
    async create(actor: Actor, input: { query: string; frequency: AlertFrequency }): Promise<CreateOutcome> {
      const citizenId = ownerOf(actor);
      const search = searchFromQueryString(input.query);
      if (!search) return { outcome: 'unusable-search' };
      const checked = await jobs.search(search, { now: clock(), sort: 'newest', page: 1, perPage: 1 });
      if (checked.outcome === 'invalid') return { outcome: 'unusable-search' };
      if ((await repository.countFor(citizenId)) >= ALERTS_PER_APPLICANT) return { outcome: 'too-many' };
      const alert = await repository.insert({
        citizenId,
        query: searchQueryString(search),
        frequency: input.frequency,
        key: randomBytes(24).toString('base64url'),
        now: clock(),
      });
      return { outcome: 'created', alert };
    },

    /** A new frequency; choosing one is also the owner saying they still want the alert. */
    async changeFrequency(actor: Actor, id: number, frequency: AlertFrequency): Promise<void> {
      const alert = await own(actor, id);
      await repository.setFrequency(alert.citizen_id, alert.id, frequency, clock());
    },

    async remove(actor: Actor, id: number): Promise<void> {
      const alert = await own(actor, id);
      await repository.deleteOwn(alert.citizen_id, alert.id);
    },

    /** The alert an emailed key belongs to, while it still sends. */
    async findByKey(key: string): Promise<AlertRow | undefined> {
      const alert = wellFormedKey(key) ? await repository.findByKey(key) : undefined;
      return alert && !alert.lapsed_at ? alert : undefined;
    },

    /** Stops (deletes) the alert of an emailed key; undefined when there is none. */
    async stopByKey(key: string): Promise<AlertRow | undefined> {
      return wellFormedKey(key) ? repository.deleteByKey(key) : undefined;
    },

    /** Keeps the alert of an emailed key for another year; undefined when there is none, or it has lapsed. */
    async keepByKey(key: string): Promise<AlertRow | undefined> {
      return wellFormedKey(key) ? repository.confirmByKey(key, clock()) : undefined;
    },
  };
}

export type AlertsService = ReturnType<typeof createAlertsService>;
