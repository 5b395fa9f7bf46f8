import type { FastifyInstance } from 'fastify';
import type { Kysely } from 'kysely';
import type { Database } from '../../../db/schema.js';
import type { CitizenActor } from '../../../shared/actor.js';
import { recordAudit } from '../../audit/service.js';
import { citizenOnly } from '../../identity/guards.js';
import { finalStages, stageNames } from '../applications/stages.js';
import { recruitmentPaths } from '../paths.js';
import { view } from './content-sections.js';
import type { YourDataRepository } from './your-data-repository.js';

const paths = recruitmentPaths.applicant;

export interface YourDataRouteDependencies {
  db: Kysely<Database>;
  yourData: YourDataRepository;
  clock: () => Date;
}

/**
 * "Your data": everything recruitment holds about the applicant, as a download, and deleting it.
 * Applications still in progress must be withdrawn first, so an employer is never left with half of
 * one; applications that have ended stay until the retention job deletes them.
 */
export function registerYourDataRoutes(app: FastifyInstance, { db, yourData, clock }: YourDataRouteDependencies): void {
  app.register(async (scope) => {
    scope.addHook('preHandler', citizenOnly);

    scope.get(paths.yourData, async (request, reply) =>
      reply.render(view('your-data'), {
        pageTitle: 'Your data',
        currentSection: 'jobs',
        downloadHref: paths.yourDataDownload,
        deleteHref: paths.yourDataDelete,
        deleted: (request.query as Record<string, string>).deleted === 'yes',
        backLink: paths.applications,
      }),
    );

    scope.get(paths.yourDataDownload, async (request, reply) => {
      const actor = request.actor as CitizenActor;
      const held = await yourData.everything(actor.citizenId);
      const document = {
        downloaded_at: clock().toISOString(),
        account: { name: actor.name, email: actor.email },
        profile: held.profile ?? null,
        applications: held.applications.map((application) => ({
          ...application,
          stage: stageNames[application.status],
          events: held.events
            .filter((event) => event.application_id === application.id)
            .map(({ application_id: _id, ...event }) => event),
          equality_monitoring:
            held.equality
              .filter((answers) => answers.application_id === application.id)
              .map(({ application_id: _id, ...answers }) => answers)[0] ?? null,
        })),
        saved_jobs: held.savedJobs,
        job_alerts: held.jobAlerts,
      };
      await recordAudit(
        db,
        { actor, action: 'export', recordType: 'applicant_data', recordId: actor.citizenId },
        clock(),
      );
      return reply
        .header('content-type', 'application/json; charset=utf-8')
        .header('content-disposition', 'attachment; filename="your-recruitment-data.json"')
        .header('cache-control', 'no-store')
        .send(JSON.stringify(document, null, 2));
    });

    scope.get(paths.yourDataDelete, async (request, reply) => {
      const actor = request.actor as CitizenActor;
      const inProgress = await yourData.inProgress(actor.citizenId, finalStages);
      return reply.render(view('your-data-delete'), {
        pageTitle: 'Delete your recruitment data',
        inProgress: inProgress.map((row) => ({
          title: row.title,
          stage: stageNames[row.status],
          withdrawHref: paths.withdraw({ id: row.id }),
        })),
        action: paths.yourDataDelete,
        backLink: paths.yourData,
      });
    });

    scope.post(paths.yourDataDelete, async (request, reply) => {
      const actor = request.actor as CitizenActor;
      const now = clock();
      const refused = await db.transaction().execute(async (tx) => {
        // Checked inside the transaction that deletes, so an application submitted meanwhile is not left without its applicant's data.
        const inProgress = await yourData.inProgress(actor.citizenId, finalStages, tx);
        if (inProgress.length) return true;
        const drafts = await yourData.deleteOwnData(tx, actor.citizenId);
        for (const id of drafts)
          await recordAudit(
            tx,
            {
              actor,
              action: 'delete',
              recordType: 'application',
              recordId: id,
              detail: { reason: 'deleted by the applicant' },
            },
            now,
          );
        await recordAudit(
          tx,
          {
            actor,
            action: 'delete',
            recordType: 'applicant_data',
            recordId: actor.citizenId,
            detail: { drafts: drafts.length },
          },
          now,
        );
        return false;
      });
      if (refused) return reply.redirect(paths.yourDataDelete, 303);
      return reply.redirect(`${paths.yourData}?deleted=yes`, 303);
    });
  });
}
