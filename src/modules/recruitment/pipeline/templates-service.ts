import type { Kysely } from 'kysely';
import type { Database } from '../../../db/schema.js';
import type { Actor } from '../../../shared/actor.js';
import { renderMessage, type MessageText } from '../../../shared/message-text.js';
import { recordAudit } from '../../audit/service.js';
import { requireCapability } from '../../identity/policy.js';
import { stageNames } from '../applications/stages.js';
import { templateFor } from '../messages/applicant-messages.js';
import { defaultTemplates, messageStages, type MessageStage } from '../messages/templates.js';
import { recruitmentPaths } from '../paths.js';

/** What a preview fills the placeholders with. */
export function sampleValues(employerName: string, publicUrl: string): Record<string, string> {
  return {
    name: 'Sam Sample',
    job_title: 'Customer adviser',
    employer: employerName,
    application_url: publicUrl + recruitmentPaths.applicant.application({ id: 123 }),
    message: 'A message from the recruiter appears here.',
  };
}

/** An employer's wording of the email for each stage: its recruiters change, preview and reset it. */
export function createTemplatesService({
  db,
  clock,
  publicUrl,
}: {
  db: Kysely<Database>;
  clock: () => Date;
  publicUrl: string;
}) {
  return {
    async list(actor: Actor) {
      const staff = requireCapability(actor, 'recruitment.manage');
      const own = await db
        .selectFrom('recruitment_message_templates')
        .select(['stage', 'updated_at'])
        .where('organisation_id', '=', staff.organisationId)
        .execute();
      const changed = new Map(own.map((row) => [row.stage, row.updated_at]));
      return messageStages.map((stage) => ({
        stage,
        stageName: stageNames[stage],
        subject: defaultTemplates[stage].subject,
        changedAt: changed.get(stage) ?? null,
      }));
    },

    async get(actor: Actor, stage: MessageStage) {
      const staff = requireCapability(actor, 'recruitment.manage');
      const text = await templateFor(db, staff.organisationId, stage);
      return {
        text,
        isDefault: text === defaultTemplates[stage],
        preview: renderMessage(text, sampleValues(staff.organisationName, publicUrl)),
      };
    },

    preview(actor: Actor, text: MessageText): MessageText {
      const staff = requireCapability(actor, 'recruitment.manage');
      return renderMessage(text, sampleValues(staff.organisationName, publicUrl));
    },

    async save(actor: Actor, stage: MessageStage, text: MessageText, ipAddress: string | null) {
      const staff = requireCapability(actor, 'recruitment.manage');
      const now = clock();
      await db.transaction().execute(async (tx) => {
        await tx
          .insertInto('recruitment_message_templates')
          .values({
            organisation_id: staff.organisationId,
            stage,
            subject: text.subject,
            body: text.body,
            updated_at: now,
          })
          .onConflict((conflict) =>
            conflict
              .columns(['organisation_id', 'stage'])
              .doUpdateSet({ subject: text.subject, body: text.body, updated_at: now }),
          )
          .execute();
        await recordAudit(
          tx,
          {
            actor: staff,
            action: 'update',
            recordType: 'recruitment_message_template',
            recordId: `${staff.organisationId}:${stage}`,
            detail: { stage, subject: text.subject },
            ipAddress,
          },
          now,
        );
      });
    },

    async reset(actor: Actor, stage: MessageStage, ipAddress: string | null) {
      const staff = requireCapability(actor, 'recruitment.manage');
      const now = clock();
      await db.transaction().execute(async (tx) => {
        await tx
          .deleteFrom('recruitment_message_templates')
          .where('organisation_id', '=', staff.organisationId)
          .where('stage', '=', stage)
          .execute();
        await recordAudit(
          tx,
          {
            actor: staff,
            action: 'delete',
            recordType: 'recruitment_message_template',
            recordId: `${staff.organisationId}:${stage}`,
            detail: { stage, reset: true },
            ipAddress,
          },
          now,
        );
      });
    },
  };
}

export type TemplatesService = ReturnType<typeof createTemplatesService>;
