import type { FastifyInstance, FastifyReply } from 'fastify';
import { z } from 'zod';
import { single } from '../../../shared/form-values.js';
import { formatDay } from '../../../shared/dates.js';
import { NotFoundError } from '../../../shared/errors.js';
import { fieldError, formErrorsFrom } from '../../../web/form-errors.js';
import { singleValue } from '../../../web/query.js';
import { citizenOnly } from '../../identity/guards.js';
import { recruitmentPaths } from '../paths.js';
import { jobSearchSchema, searchFrom, searchFromQueryString, searchQueryString } from '../jobs/search-query.js';
import type { AlertRow } from './repository.js';
import { ALERTS_PER_APPLICANT, type AlertsService } from './service.js';

const views = 'recruitment/alerts/views';

const frequencyItems = [
  { value: 'daily', text: 'Daily', hint: { text: 'At most one email a day, only when there are new jobs' } },
  { value: 'weekly', text: 'Weekly', hint: { text: 'At most one email a week, only when there are new jobs' } },
];
const chooseFrequency = 'Choose how often we email you';

const frequencyField = z.preprocess(single, z.enum(['daily', 'weekly'], { error: chooseFrequency }));
const newAlertSchema = z.object({ frequency: frequencyField });
const changeAlertSchema = z.object({
  action: z.preprocess(single, z.enum(['frequency', 'delete']).catch('frequency').default('frequency')),
});

/** An alert's id from its address: anything but a whole number is no alert. */
function alertId(value: string): number {
  if (!/^\d{1,9}$/.test(value)) throw new NotFoundError();
  return Number(value);
}

const withQuery = (path: string, query: string) => (query ? `${path}?${query}` : path);

type Body = { Body: Record<string, unknown> };

/**
 * Job alerts: a signed-in applicant saves a /jobs search, daily or weekly, and changes or deletes it;
 * the link in each email stops it, and the link in the lapse warning keeps it, without signing in.
 */
export function registerAlertRoutes(app: FastifyInstance, alerts: AlertsService): void {
  const common = { currentSection: 'jobs', paths: recruitmentPaths, frequencyItems };
  const shownAlert = async (alert: AlertRow) => ({
    id: alert.id,
    words: await alerts.wordsFor(alert.query),
    frequency: alert.frequency,
    searchHref: withQuery(recruitmentPaths.jobs, alert.query),
    href: recruitmentPaths.applicant.alert({ id: alert.id }),
    since: formatDay(alert.created_at),
  });
  const badSearch = (reply: FastifyReply, backLink: string) =>
    reply.code(400).render(`${views}/bad-search.njk`, { ...common, backLink });

  app.register(async (scope) => {
    scope.addHook('preHandler', citizenOnly);

    scope.get<{ Querystring: Record<string, unknown> }>(recruitmentPaths.applicant.newAlert, async (request, reply) => {
      const parsed = jobSearchSchema.safeParse(request.query ?? {});
      if (!parsed.success) return badSearch(reply, recruitmentPaths.jobs);
      const query = searchQueryString(searchFrom(parsed.data));
      return reply.render(`${views}/new.njk`, {
        ...common,
        backLink: withQuery(recruitmentPaths.jobs, query),
        words: await alerts.wordsFor(query),
        query,
        values: { frequency: 'daily' },
      });
    });

    scope.post<Body>(recruitmentPaths.applicant.newAlert, async (request, reply) => {
      const posted = typeof single(request.body.query) === 'string' ? (single(request.body.query) as string) : '';
      const search = posted.length <= 2000 ? searchFromQueryString(posted) : undefined;
      if (!search) return badSearch(reply, recruitmentPaths.jobs);
      const query = searchQueryString(search);
      const context = {
        ...common,
        backLink: withQuery(recruitmentPaths.jobs, query),
        words: await alerts.wordsFor(query),
        query,
      };
      const form = newAlertSchema.safeParse(request.body);
      if (!form.success)
        return reply
          .code(400)
          .render(`${views}/new.njk`, { ...context, values: {}, errors: formErrorsFrom(form.error) });
      const made = await alerts.create(request.actor, { query, frequency: form.data.frequency });
      if (made.outcome === 'unusable-search') return badSearch(reply, context.backLink);
      if (made.outcome === 'too-many')
        return reply.code(400).render(`${views}/new.njk`, {
          ...context,
          values: form.data,
          errors: fieldError(
            'frequency',
            `You have ${ALERTS_PER_APPLICANT} job alerts, the most you can have. Delete one to make another.`,
          ),
        });
      return reply.redirect(`${recruitmentPaths.applicant.alerts}?created=yes`, 303);
    });

    scope.get<{ Querystring: Record<string, unknown> }>(recruitmentPaths.applicant.alerts, async (request, reply) => {
      const rows = await alerts.list(request.actor);
      const notice = ['created', 'changed', 'deleted'].find((name) => singleValue(request.query?.[name]) === 'yes');
      return reply.render(`${views}/list.njk`, {
        ...common,
        backLink: recruitmentPaths.jobs,
        alerts: await Promise.all(rows.map(shownAlert)),
        notice,
      });
    });

    scope.get<{ Params: { id: string } }>(recruitmentPaths.applicant.alert.pattern, async (request, reply) => {
      const alert = await alerts.find(request.actor, alertId(request.params.id));
      return reply.render(`${views}/alert.njk`, {
        ...common,
        backLink: recruitmentPaths.applicant.alerts,
        alert: await shownAlert(alert),
        values: { frequency: alert.frequency },
      });
    });

    scope.post<Body & { Params: { id: string } }>(recruitmentPaths.applicant.alert.pattern, async (request, reply) => {
      const id = alertId(request.params.id);
      const { action } = changeAlertSchema.parse(request.body);
      if (action === 'delete') {
        await alerts.remove(request.actor, id);
        return reply.redirect(`${recruitmentPaths.applicant.alerts}?deleted=yes`, 303);
      }
      const form = newAlertSchema.safeParse(request.body);
      if (!form.success) {
        const alert = await alerts.find(request.actor, id);
        return reply.code(400).render(`${views}/alert.njk`, {
          ...common,
          backLink: recruitmentPaths.applicant.alerts,
          alert: await shownAlert(alert),
          values: {},
          errors: formErrorsFrom(form.error),
        });
      }
      await alerts.changeFrequency(request.actor, id, form.data.frequency);
      return reply.redirect(`${recruitmentPaths.applicant.alerts}?changed=yes`, 303);
    });
  });

  registerKeyedRoutes(app, alerts);
}

/** The emailed links: they work without signing in, their key the whole of their authority. */
function registerKeyedRoutes(app: FastifyInstance, alerts: AlertsService): void {
  type Keyed = { Params: { key: string } };
  const common = { currentSection: 'jobs', paths: recruitmentPaths };
  const unknownKey = (reply: FastifyReply) => reply.code(404).render(`${views}/unknown-key.njk`, common);

  app.get<Keyed>(recruitmentPaths.unsubscribe.pattern, async (request, reply) => {
    const alert = await alerts.findByKey(request.params.key);
    if (!alert) return unknownKey(reply);
    return reply.render(`${views}/unsubscribe.njk`, {
      ...common,
      action: recruitmentPaths.unsubscribe({ key: request.params.key }),
      words: await alerts.wordsFor(alert.query),
    });
  });

  // The page's button and a mail client's one-click unsubscribe (RFC 8058: a POST of
  // List-Unsubscribe=One-Click, with no session) both land here.
  app.post<Keyed>(
    recruitmentPaths.unsubscribe.pattern,
    { config: { authorisedByKeyInAddress: true } },
    async (request, reply) => {
      const alert = await alerts.stopByKey(request.params.key);
      if (!alert) return unknownKey(reply);
      return reply.render(`${views}/unsubscribed.njk`, { ...common, words: await alerts.wordsFor(alert.query) });
    },
  );

  app.get<Keyed>(recruitmentPaths.keepAlert.pattern, async (request, reply) => {
    const alert = await alerts.findByKey(request.params.key);
    if (!alert) return unknownKey(reply);
    return reply.render(`${views}/keep.njk`, {
      ...common,
      action: recruitmentPaths.keepAlert({ key: request.params.key }),
      words: await alerts.wordsFor(alert.query),
    });
  });

  app.post<Keyed>(recruitmentPaths.keepAlert.pattern, async (request, reply) => {
    const alert = await alerts.keepByKey(request.params.key);
    if (!alert) return unknownKey(reply);
    return reply.render(`${views}/kept.njk`, { ...common, words: await alerts.wordsFor(alert.query) });
  });
}
