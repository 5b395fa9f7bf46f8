import type { Kysely } from 'kysely';
import type { Database } from '../../../db/schema.js';
import type { Actor } from '../../../shared/actor.js';
import { ForbiddenError, NotFoundError } from '../../../shared/errors.js';
import { recordAudit } from '../../audit/service.js';
import { reachesOrganisation, requireCapability } from '../../identity/policy.js';
import type { MessageTemplateRepository } from './message-template-repository.js';
import {
  isMessageKind,
  messageKindNames,
  messageKinds,
  placeholdersOf,
  unknownPlaceholders,
  type MessageKind,
  type MessageText,
} from './message-templates.js';

/** Placeholders the message does not have, each problem shown beside the field that uses it. */
export class PlaceholderError extends Error {
  constructor(readonly problems: { field: 'subject' | 'body'; message: string }[]) {
    super(problems.map((problem) => problem.message).join('; '));
    this.name = 'PlaceholderError';
  }
}

export interface MessageAdminDependencies {
  db: Kysely<Database>;
  templates: MessageTemplateRepository;
  clock: () => Date;
  memberOrganisationIds: () => Promise<number[]>;
}

/** Organisation administrators' wording of the messages their cases send (partnership administrators: any member's). */
export function createMessageAdminService({ db, templates, clock, memberOrganisationIds }: MessageAdminDependencies) {
  async function manage(actor: Actor, organisationId: number) {
    const staff = requireCapability(actor, 'messages.manage');
    if (!reachesOrganisation(staff, organisationId) || !(await memberOrganisationIds()).includes(organisationId))
      throw new ForbiddenError();
    return staff;
  }

  function kindOf(name: string): MessageKind {
    if (!isMessageKind(name)) throw new NotFoundError();
    return name;
  }

  return {
    /** The member organisations whose messages this person may reword (theirs; every member's for a partnership administrator), and the one named. */
    async organisations(actor: Actor, organisationId: number) {
      const staff = await manage(actor, organisationId);
      const members = await db
        .selectFrom('organisations')
        .select(['id', 'name'])
        .where('id', 'in', await memberOrganisationIds())
        .orderBy('name')
        .execute();
      const reachable = members.filter((member) => reachesOrganisation(staff, member.id));
      return { organisations: reachable, organisation: reachable.find((member) => member.id === organisationId)! };
    },

    /** Each kind of message, in the order a case meets them, as the organisation sends it now. */
    async list(actor: Actor, organisationId: number) {
      await manage(actor, organisationId);
      const changed = new Map((await templates.changedBy(organisationId)).map((row) => [row.kind, row]));
      return messageKindNames.map((kind) => {
        const own = changed.get(kind);
        const definition = messageKinds[kind];
        return {
          kind,
          title: definition.title,
          sentWhen: definition.sentWhen,
          audience: definition.audience,
          subject: own?.subject ?? definition.subject,
          changed: own ? { at: own.updated_at, by: own.updated_by } : null,
        };
      });
    },

    async find(actor: Actor, organisationId: number, name: string) {
      await manage(actor, organisationId);
      const kind = kindOf(name);
      const own = (await templates.changedBy(organisationId)).find((row) => row.kind === kind);
      const definition = messageKinds[kind];
      return {
        kind,
        title: definition.title,
        sentWhen: definition.sentWhen,
        audience: definition.audience,
        placeholders: placeholdersOf(kind),
        text: own ? { subject: own.subject, body: own.body } : { subject: definition.subject, body: definition.body },
        isDefault: !own,
      };
    },

    /** Saves the organisation's wording, refusing a placeholder the message does not have. */
    async save(actor: Actor, organisationId: number, name: string, text: MessageText): Promise<void> {
      const staff = await manage(actor, organisationId);
      const kind = kindOf(name);
      const named = (names: string[]) => names.map((placeholder) => `((${placeholder}))`).join(', ');
      const problems = (['subject', 'body'] as const).flatMap((field) => {
        const unknown = unknownPlaceholders(kind, text[field]);
        return unknown.length
          ? [
              {
                field,
                message: `The ${field} uses ${named(unknown)}, which this message does not have. Use only ${named(placeholdersOf(kind))}`,
              },
            ]
          : [];
      });
      if (problems.length) throw new PlaceholderError(problems);
      const now = clock();
      await db.transaction().execute(async (trx) => {
        await templates.save(trx, { organisationId, kind, text, staffId: staff.staffId, at: now });
        await recordAudit(
          trx,
          {
            actor: staff,
            action: 'update',
            recordType: 'message_template',
            recordId: `${organisationId}/${kind}`,
            detail: { subject: text.subject },
          },
          now,
        );
      });
    },

    /** Back to the plain English default. */
    async reset(actor: Actor, organisationId: number, name: string): Promise<void> {
      const staff = await manage(actor, organisationId);
      const kind = kindOf(name);
      const now = clock();
      await db.transaction().execute(async (trx) => {
        if (await templates.reset(trx, organisationId, kind))
          await recordAudit(
            trx,
            { actor: staff, action: 'reset', recordType: 'message_template', recordId: `${organisationId}/${kind}` },
            now,
          );
      });
    },
  };
}

export type MessageAdminService = ReturnType<typeof createMessageAdminService>;
