import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import type { Actor } from '../../shared/actor.js';
import { staffOnly } from '../identity/guards.js';
import type { AuditBrowseService } from './browse-service.js';
import { auditPaths } from './paths.js';
import { describeAnchorProblem, describeBreak, filterValues } from './presenters.js';
import { parseAuditQuery } from './schemas.js';
import { dayInEngland } from '../../shared/dates.js';
import { paginationLinks } from '../../shared/pagination.js';
import { withQuery } from '../../shared/paths.js';

const views = 'audit/views';

/** The organisations a partnership administrator may filter the log by. */
export type AuditOrganisationOptions = () => Promise<{ id: number; name: string }[]>;

type AuditRequest = FastifyRequest<{ Querystring: Record<string, unknown> }>;

export function registerAuditRoutes(
  app: FastifyInstance,
  audit: AuditBrowseService,
  organisationOptions: AuditOrganisationOptions,
): void {
  app.register(async (scope) => {
    scope.addHook('preHandler', staffOnly);

    // Asking the service first refuses, with a 403, anyone who may not read the log at all.
    const pageContext = async (actor: Actor, values: Record<string, string>) => {
      const seesEveryOrganisation = audit.seesEveryOrganisation(actor);
      return {
        values,
        organisations: seesEveryOrganisation ? await organisationOptions() : null,
        verifyHref: seesEveryOrganisation ? auditPaths.verify : null,
        clearHref: auditPaths.log,
        currentSection: 'staff',
        backLink: '/staff',
      };
    };

    /** The filters, or the page again with what is wrong beside each field. */
    const readFilters = async (request: AuditRequest, reply: FastifyReply) => {
      const values = filterValues(request.query);
      const context = await pageContext(request.actor, values);
      const parsed = parseAuditQuery(request.query);
      if (!parsed.ok) {
        await reply
          .code(400)
          .render(`${views}/log.njk`, { ...context, errors: parsed.errors, dateErrorParts: parsed.dateErrorParts });
        return null;
      }
      return { ...parsed, values, context };
    };

    scope.get(auditPaths.log, async (request: AuditRequest, reply) => {
      const query = await readFilters(request, reply);
      if (!query) return reply;
      const result = await audit.browse(request.actor, query.filters, query.page, request.ip);
      const { values } = query;
      return reply.render(`${views}/log.njk`, {
        ...query.context,
        ...result,
        filtered: Object.keys(values).length > 0,
        pagination: paginationLinks(
          result.page,
          result.pageCount,
          (page) => withQuery(auditPaths.log, values, { page: String(page) }),
          'Audit log pages',
        ),
        csvHref: withQuery(auditPaths.csv, values),
      });
    });

    scope.get(auditPaths.csv, async (request: AuditRequest, reply) => {
      const query = await readFilters(request, reply);
      if (!query) return reply;
      const csv = await audit.exportCsv(request.actor, query.filters, request.ip);
      // Named by the day in England it was taken, as every day the staff read is.
      const day = dayInEngland(new Date());
      return reply
        .type('text/csv; charset=utf-8')
        .header('content-disposition', `attachment; filename="audit-log-${day}.csv"`)
        .header('cache-control', 'no-store')
        .send(csv);
    });

    scope.get(auditPaths.verify, async (request: AuditRequest, reply) => {
      // A hash pasted from an anchor email, or followed from its link.
      const asked = [request.query.hash].flat()[0];
      const typed = typeof asked === 'string' ? asked.trim().toLowerCase() : '';
      const hashError =
        typed && !/^[0-9a-f]{64}$/.test(typed)
          ? 'Enter the hash as it is in the email: 64 characters, 0 to 9 and a to f'
          : null;
      const verification = await audit.verify(request.actor, request.ip, {
        hash: typed && !hashError ? typed : undefined,
      });
      const check = verification.chain;
      return reply.render(`${views}/verify.njk`, {
        verification,
        check,
        broken: check.intact ? null : describeBreak(check),
        anchorProblems: verification.brokenAnchors.map(describeAnchorProblem),
        hashValue: typed,
        hashError,
        verifyHref: auditPaths.verify,
        logHref: auditPaths.log,
        backLink: auditPaths.log,
        currentSection: 'staff',
      });
    });
  });
}
