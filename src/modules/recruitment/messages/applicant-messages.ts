import type { Kysely, Transaction } from 'kysely';
import type { Database } from '../../../db/schema.js';
import { renderMessage, type MessageText } from '../../../shared/message-text.js';
import type { CitizenEmail } from '../../identity/index.js';
import { queueEmail } from '../../notify/outbox.js';
import { recruitmentPaths } from '../paths.js';
import { defaultTemplates, type MessageStage } from './templates.js';

type Executor = Kysely<Database> | Transaction<Database>;

export interface ApplicantMessagesDependencies {
  citizenEmail: CitizenEmail;
  publicUrl: string;
}

/** Who an email about an application is for, and what it fills in. */
export interface MessageSubject {
  applicationId: number;
  citizenId: number | null;
  personal: Record<string, unknown>;
  jobTitle: string;
  organisationId: number;
  employerName: string;
}

/** The wording an employer uses for a stage: its own template, else the default. */
export async function templateFor(db: Executor, organisationId: number, stage: MessageStage): Promise<MessageText> {
  const own = await db
    .selectFrom('recruitment_message_templates')
    .select(['subject', 'body'])
    .where('organisation_id', '=', organisationId)
    .where('stage', '=', stage)
    .executeTakeFirst();
  return own ?? defaultTemplates[stage];
}

/**
 * Tells an applicant their application has reached a stage, in the caller's transaction: the email
 * exists exactly when the change does. It goes to the address on the application (a paper applicant
 * gives one there), else to their account's; an applicant with neither is told by post or phone.
 */
export function createApplicantMessages({ citizenEmail, publicUrl }: ApplicantMessagesDependencies) {
  return {
    async tell(tx: Executor, subject: MessageSubject, stage: MessageStage, message = ''): Promise<boolean> {
      const given = typeof subject.personal.email === 'string' ? subject.personal.email.trim() : '';
      const to = given || (subject.citizenId === null ? null : await citizenEmail(subject.citizenId, tx));
      if (!to) return false;
      const name = [subject.personal.first_name, subject.personal.last_name]
        .filter((part) => typeof part === 'string' && part)
        .join(' ');
      const text = renderMessage(await templateFor(tx, subject.organisationId, stage), {
        name: name || 'applicant',
        job_title: subject.jobTitle,
        employer: subject.employerName,
        application_url: publicUrl + recruitmentPaths.applicant.application({ id: subject.applicationId }),
        message,
      });
      await queueEmail(tx, { to, ...text });
      return true;
    },
  };
}

export type ApplicantMessages = ReturnType<typeof createApplicantMessages>;
