import type { FastifyInstance } from 'fastify';
import { recruitmentPaths } from '../paths.js';
import { describeSearch, jobSearchSchema, searchFrom, searchQueryString } from './search-query.js';
import { hoursText, locationText, salaryText } from './presenters.js';
import type { VacancySummary } from './repository.js';
import type { JobSearchService } from './service.js';

const FEED_ENTRIES = 50;

const xmlEscapes: Record<string, string> = { '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&apos;' };
/** Text for XML: escaped, and without the control characters XML 1.0 cannot hold at all. */
// eslint-disable-next-line no-control-regex -- these are the characters removed
const notInXml = /[\u0000-\u0008\u000b\u000c\u000e-\u001f\ufffe\uffff]/g;
function xml(text: string): string {
  return text.replace(notInXml, '').replace(/[&<>"']/g, (c) => xmlEscapes[c]);
}

function entry(vacancy: VacancySummary, publicUrl: string): string {
  const url = `${publicUrl}${recruitmentPaths.job({ slug: vacancy.slug })}`;
  const facts = [
    vacancy.employer,
    locationText(vacancy),
    salaryText(vacancy),
    hoursText(vacancy.hours_per_week, vacancy.working_pattern),
    `Closes ${vacancy.closes_at.toISOString()}`,
  ].filter(Boolean);
  return `  <entry>
    <id>${xml(url)}</id>
    <title>${xml(vacancy.title)}</title>
    <link rel="alternate" type="text/html" href="${xml(url)}"/>
    <updated>${vacancy.live_since.toISOString()}</updated>
    <published>${vacancy.live_since.toISOString()}</published>
    <author><name>${xml(vacancy.employer)}</name></author>
    <summary type="text">${xml(`${facts.join('. ')}. ${vacancy.description.slice(0, 500)}`)}</summary>
  </entry>
`;
}

/**
 * /jobs/feed.atom: the newest live vacancies a search finds (the same fields as /jobs), as an Atom
 * feed (RFC 4287). A search that cannot be read is answered 400 in plain text: a feed reader shows it.
 */
export function registerJobsFeed(
  app: FastifyInstance,
  { jobs, clock, publicUrl }: { jobs: JobSearchService; clock: () => Date; publicUrl: string },
): void {
  app.get(recruitmentPaths.jobsFeed, async (request, reply) => {
    const parsed = jobSearchSchema.safeParse(request.query ?? {});
    if (!parsed.success) return reply.code(400).type('text/plain; charset=utf-8').send(parsed.error.issues[0].message);
    const search = searchFrom(parsed.data);
    const now = clock();
    const found = await jobs.search(search, { now, sort: 'newest', page: 1, perPage: FEED_ENTRIES });
    if (found.outcome === 'invalid') return reply.code(400).type('text/plain; charset=utf-8').send(found.message);

    const query = searchQueryString(search);
    const suffix = query ? `?${query}` : '';
    const self = `${publicUrl}${recruitmentPaths.jobsFeed}${suffix}`;
    const employer = (await jobs.employers()).find((candidate) => candidate.id === search.employerId)?.name;
    // The feed changes when a job joins it; with none, it is as new as the request.
    const updated = found.vacancies[0]?.live_since ?? now;
    const body = `<?xml version="1.0" encoding="utf-8"?>
<feed xmlns="http://www.w3.org/2005/Atom">
  <id>${xml(self)}</id>
  <title>${xml(`Jobs: ${describeSearch(search, employer)}`)}</title>
  <link rel="self" type="application/atom+xml" href="${xml(self)}"/>
  <link rel="alternate" type="text/html" href="${xml(`${publicUrl}${recruitmentPaths.jobs}${suffix}`)}"/>
  <updated>${updated.toISOString()}</updated>
  <author><name>The partnership’s employers</name></author>
${found.vacancies.map((vacancy) => entry(vacancy, publicUrl)).join('')}</feed>
`;
    return reply.type('application/atom+xml; charset=utf-8').header('cache-control', 'public, max-age=300').send(body);
  });
}
