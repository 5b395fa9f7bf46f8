import type { Kysely, Transaction } from 'kysely';
import type { Database } from '../../../db/schema.js';
import { messageKinds, type MessageKind, type MessageText } from './message-templates.js';

type Db = Kysely<Database> | Transaction<Database>;

/** An organisation's own wording of each kind of message; a kind it has not changed is the default. */
export function createMessageTemplateRepository(db: Kysely<Database>) {
  return {
    /** The wording an organisation sends for one kind, read in the transaction that sends it. */
    async wordingOf(executor: Db, organisationId: number, kind: MessageKind): Promise<MessageText> {
      const row = await executor
        .selectFrom('message_templates')
        .select(['subject', 'body'])
        .where('organisation_id', '=', organisationId)
        .where('kind', '=', kind)
        .executeTakeFirst();
      return row ?? { subject: messageKinds[kind].subject, body: messageKinds[kind].body };
    },

    /** The kinds an organisation has rewritten, with when and by whom. */
    async changedBy(organisationId: number) {
      return db
        .selectFrom('message_templates')
        .leftJoin('staff_directory', 'staff_directory.id', 'message_templates.updated_by_staff_id')
        .select([
          'message_templates.kind',
          'message_templates.subject',
          'message_templates.body',
          'message_templates.updated_at',
          'staff_directory.name as updated_by',
        ])
        .where('message_templates.organisation_id', '=', organisationId)
        .execute();
    },

    async save(
      trx: Transaction<Database>,
      change: { organisationId: number; kind: MessageKind; text: MessageText; staffId: number; at: Date },
    ): Promise<void> {
      const values = {
        subject: change.text.subject,
        body: change.text.body,
        updated_at: change.at,
        updated_by_staff_id: change.staffId,
      };
      await trx
        .insertInto('message_templates')
        .values({ organisation_id: change.organisationId, kind: change.kind, ...values })
        .onConflict((oc) => oc.columns(['organisation_id', 'kind']).doUpdateSet(values))
        .execute();
    },

    /** Back to the default: the organisation's own wording is removed. */
    async reset(trx: Transaction<Database>, organisationId: number, kind: MessageKind): Promise<boolean> {
      const result = await trx
        .deleteFrom('message_templates')
        .where('organisation_id', '=', organisationId)
        .where('kind', '=', kind)
        .executeTakeFirst();
      return Number(result.numDeletedRows) > 0;
    },
  };
}

export type MessageTemplateRepository = ReturnType<typeof createMessageTemplateRepository>;
