import { randomBytes } from 'node:crypto';
import type { FastifyInstance, FastifyReply } from 'fastify';
import { z } from 'zod';
import { single } from '../../../shared/form-values.js';
import { formatDay } from '../../../shared/dates.js';
import { formErrorsFrom } from '../../../web/form-errors.js';
import { singleValue } from '../../../web/query.js';
import { citizenOnly } from '../../identity/guards.js';
import { recruitmentPaths } from '../paths.js';
import {
  describeSearch,
  jobSearchSchema,
  searchFrom,
  searchFromQueryString,
  searchQueryString,
} from '../jobs/search-query.js';
import type { JobSearchService } from '../jobs/service.js';
import { createAlertsRepository, type AlertRow, type AlertsRepository } from './repository.js';
import type { Kysely } from 'kysely';
import type { Database } from '../../../db/schema.js';

const views = 'recruitment/alerts/views';
/** Enough for anyone's real searches; a limit so that one account cannot fill the table. */
export const ALERTS_PER_APPLICANT = 20;

const frequencyItems = [
  { value: 'daily', text: 'Daily', hint: { text: 'At most one email a day, only when there are new jobs' } },
  { value: 'weekly', text: 'Weekly', hint: { text: 'At most one email a week, only when there are new jobs' } },
];

const frequencyField = z.preprocess(single, z.enum(['daily', 'weekly'], { error: 'Choose how often we email you' }));
const newAlertSchema = z.object({
  frequency: frequencyField,
  query: z.preprocess(single, z.string().max(2000).default('')),
});
const changeAlertSchema = z.object({
  action: z.preprocess(single, z.enum(['frequency', 'delete']).default('frequency')),
  frequency: frequencyField.optional(),
});
const alertIdParams = (value: string) => (/^\d{1,9}$/.test(value) ? Number(value) : undefined);

type Body = { Body: Record<string, unknown> };

export interface AlertRouteDependencies {
  db: Kysely<Database>;
  jobs: JobSearchService;
  clock: () => Date;
}

/**
 * Job alerts: a signed-in applicant saves a /jobs search, daily or weekly, and changes or deletes it;
 * the link in each email stops it, and the link in the lapse warning keeps it, without signing in.
 */
export function registerAlertRoutes(app: FastifyInstance, { db, jobs, clock }: AlertRouteDependencies): void {
  const alerts = createAlertsRepository(db);

  const wordsFor = async (query: string) => {
    const search = searchFromQueryString(query);
    if (!search) return 'A search that no longer works';
    const employer = (await jobs.employers()).find((candidate) => candidate.id === search.employerId)?.name;
    return describeSearch(search, employer);
  };
  const shownAlert = async (alert: AlertRow) => ({
    id: alert.id,
    words: await wordsFor(alert.query),
    frequency: alert.frequency,
    searchHref: `${recruitmentPaths.jobs}${alert.query ? `?${alert.query}` : ''}`,
    href: recruitmentPaths.applicant.alert({ id: alert.id }),
    since: formatDay(alert.created_at),
  });

  app.register(async (scope) => {
    scope.addHook('preHandler', citizenOnly);

    scope.get<{ Querystring: Record<string, unknown> }>(recruitmentPaths.applicant.newAlert, async (request, reply) => {
      const parsed = jobSearchSchema.safeParse(request.query ?? {});
      if (!parsed.success)
        return reply
          .code(400)
          .render(`${views}/bad-search.njk`, { backLink: recruitmentPaths.jobs, paths: recruitmentPaths });
      const search = searchFrom(parsed.data);
      const query = searchQueryString(search);
      return reply.render(`${views}/new.njk`, {
        currentSection: 'jobs',
        paths: recruitmentPaths,
        backLink: `${recruitmentPaths.jobs}${query ? `?${query}` : ''}`,
        words: await wordsFor(query),
        query,
        frequencyItems,
        values: { frequency: 'daily' },
      });
    });

    scope.post<Body>(recruitmentPaths.applicant.newAlert, async (request, reply) => {
      if (request.actor.kind !== 'citizen') return reply.callNotFound();
      const citizenId = request.actor.citizenId;
      const form = newAlertSchema.safeParse(request.body);
      const query = typeof request.body.query === 'string' ? request.body.query : '';
      const search = searchFromQueryString(query);
      if (!search)
        return reply
          .code(400)
          .render(`${views}/bad-search.njk`, { backLink: recruitmentPaths.jobs, paths: recruitmentPaths });
      // The query kept is the search's own form of it, whatever was posted.
      const normalised = searchQueryString(search);
      const context = {
        currentSection: 'jobs',
        paths: recruitmentPaths,
        backLink: `${recruitmentPaths.jobs}${normalised ? `?${normalised}` : ''}`,
        words: await wordsFor(normalised),
        query: normalised,
        frequencyItems,
      };
      if (!form.success)
        return reply
          .code(400)
          .render(`${views}/new.njk`, { ...context, values: {}, errors: formErrorsFrom(form.error) });
      // A postcode or an employer that names nothing cannot be saved as a search.
      const checked = await jobs.search(search, { now: clock(), sort: 'newest', page: 1, perPage: 1 });
      if (checked.outcome === 'invalid')
        return reply
          .code(400)
          .render(`${views}/bad-search.njk`, { backLink: context.backLink, paths: recruitmentPaths });
      if ((await alerts.countFor(citizenId)) >= ALERTS_PER_APPLICANT) {
        const message = `You have ${ALERTS_PER_APPLICANT} job alerts, the most you can have. Delete one to make another.`;
        return reply.code(400).render(`${views}/new.njk`, {
          ...context,
          values: form.data,
          errors: { summary: [{ text: message, href: '#frequency' }], fields: { frequency: { text: message } } },
        });
      }
      await alerts.insert({
        citizenId,
        query: normalised,
        frequency: form.data.frequency,
        key: randomBytes(24).toString('base64url'),
        now: clock(),
      });
      return reply.redirect(`${recruitmentPaths.applicant.alerts}?created=yes`, 303);
    });

    scope.get<{ Querystring: Record<string, unknown> }>(recruitmentPaths.applicant.alerts, async (request, reply) => {
      if (request.actor.kind !== 'citizen') return reply.callNotFound();
      const rows = await alerts.listFor(request.actor.citizenId);
      const notice = ['created', 'changed', 'deleted'].find((name) => singleValue(request.query?.[name]) === 'yes');
      return reply.render(`${views}/list.njk`, {
        currentSection: 'jobs',
        paths: recruitmentPaths,
        backLink: recruitmentPaths.jobs,
        alerts: await Promise.all(rows.map(shownAlert)),
        notice,
      });
    });

    const ownAlert = async (citizenId: number, idText: string) => {
      const id = alertIdParams(idText);
      return id === undefined ? undefined : alerts.findOwn(citizenId, id);
    };

    scope.get<{ Params: { id: string } }>(recruitmentPaths.applicant.alert.pattern, async (request, reply) => {
      if (request.actor.kind !== 'citizen') return reply.callNotFound();
      const alert = await ownAlert(request.actor.citizenId, request.params.id);
      if (!alert) return reply.callNotFound();
      return reply.render(`${views}/alert.njk`, {
        currentSection: 'jobs',
        paths: recruitmentPaths,
        backLink: recruitmentPaths.applicant.alerts,
        alert: await shownAlert(alert),
        frequencyItems,
        values: { frequency: alert.frequency },
      });
    });

    scope.post<Body & { Params: { id: string } }>(recruitmentPaths.applicant.alert.pattern, async (request, reply) => {
      if (request.actor.kind !== 'citizen') return reply.callNotFound();
      const citizenId = request.actor.citizenId;
      const alert = await ownAlert(citizenId, request.params.id);
      if (!alert) return reply.callNotFound();
      const form = changeAlertSchema.safeParse(request.body);
      if (form.success && form.data.action === 'delete') {
        await alerts.deleteOwn(citizenId, alert.id);
        return reply.redirect(`${recruitmentPaths.applicant.alerts}?deleted=yes`, 303);
      }
      if (!form.success || !form.data.frequency) {
        const errors = form.success
          ? {
              summary: [{ text: 'Choose how often we email you', href: '#frequency' }],
              fields: { frequency: { text: 'Choose how often we email you' } },
            }
          : formErrorsFrom(form.error);
        return reply.code(400).render(`${views}/alert.njk`, {
          currentSection: 'jobs',
          paths: recruitmentPaths,
          backLink: recruitmentPaths.applicant.alerts,
          alert: await shownAlert(alert),
          frequencyItems,
          values: {},
          errors,
        });
      }
      await alerts.setFrequency(citizenId, alert.id, form.data.frequency, clock());
      return reply.redirect(`${recruitmentPaths.applicant.alerts}?changed=yes`, 303);
    });
  });

  registerKeyedRoutes(app, { alerts, wordsFor, clock });
}

/** The emailed links: they work without signing in, their key the whole of their authority. */
function registerKeyedRoutes(
  app: FastifyInstance,
  {
    alerts,
    wordsFor,
    clock,
  }: { alerts: AlertsRepository; wordsFor: (query: string) => Promise<string>; clock: () => Date },
): void {
  type Keyed = { Params: { key: string } };
  const unknownKey = (reply: FastifyReply) =>
    reply.code(404).render(`${views}/unknown-key.njk`, { paths: recruitmentPaths });
  // Keys are made by randomBytes(24) as base64url: anything else cannot be one.
  const wellFormed = (key: string) => /^[A-Za-z0-9_-]{32}$/.test(key);

  app.get<Keyed>(recruitmentPaths.unsubscribe.pattern, async (request, reply) => {
    const alert = wellFormed(request.params.key) ? await alerts.findByKey(request.params.key) : undefined;
    if (!alert || alert.lapsed_at) return unknownKey(reply);
    return reply.render(`${views}/unsubscribe.njk`, {
      currentSection: 'jobs',
      paths: recruitmentPaths,
      action: recruitmentPaths.unsubscribe({ key: request.params.key }),
      words: await wordsFor(alert.query),
    });
  });

  // The page's button and a mail client's one-click unsubscribe (RFC 8058: a POST of
  // List-Unsubscribe=One-Click, with no session) both land here.
  app.post<Keyed>(
    recruitmentPaths.unsubscribe.pattern,
    { config: { authorisedByKeyInAddress: true } },
    async (request, reply) => {
      const alert = wellFormed(request.params.key) ? await alerts.deleteByKey(request.params.key) : undefined;
      if (!alert) return unknownKey(reply);
      return reply.render(`${views}/unsubscribed.njk`, {
        currentSection: 'jobs',
        paths: recruitmentPaths,
        words: await wordsFor(alert.query),
      });
    },
  );

  app.get<Keyed>(recruitmentPaths.keepAlert.pattern, async (request, reply) => {
    const alert = wellFormed(request.params.key) ? await alerts.findByKey(request.params.key) : undefined;
    if (!alert || alert.lapsed_at) return unknownKey(reply);
    return reply.render(`${views}/keep.njk`, {
      currentSection: 'jobs',
      paths: recruitmentPaths,
      action: recruitmentPaths.keepAlert({ key: request.params.key }),
      words: await wordsFor(alert.query),
    });
  });

  app.post<Keyed>(recruitmentPaths.keepAlert.pattern, async (request, reply) => {
    const alert = wellFormed(request.params.key) ? await alerts.confirmByKey(request.params.key, clock()) : undefined;
    if (!alert) return unknownKey(reply);
    return reply.render(`${views}/kept.njk`, {
      currentSection: 'jobs',
      paths: recruitmentPaths,
      words: await wordsFor(alert.query),
    });
  });
}
