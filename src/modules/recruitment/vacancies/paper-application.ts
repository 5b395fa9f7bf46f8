import type { Kysely } from 'kysely';
import { z } from 'zod';
import type { Database, GuaranteedInterviewScheme } from '../../../db/schema.js';
import type { Actor } from '../../../shared/actor.js';
import { dateInputWording, parseDateInput, readDateInput, type DatePart } from '../../../shared/date-input.js';
import { dayInEngland } from '../../../shared/dates.js';
import { NotFoundError } from '../../../shared/errors.js';
import { single } from '../../../shared/form-values.js';
import type { FormErrors } from '../../../web/form-errors.js';
import { recordAudit } from '../../audit/service.js';
import { hasCapability } from '../../identity/policy.js';
import { emailField } from '../../identity/schemas.js';
import { normalisePostcode } from '../../places/postcode.js';
import { changeStage } from '../applications/stage-change.js';
import type { ApplicantMessages } from '../messages/applicant-messages.js';
import { instantInEngland } from '../../../shared/dates.js';
import { vacancyPhase } from './phase.js';
import { VacancyRuleError } from './service.js';

export const guaranteedInterviewSchemes: readonly GuaranteedInterviewScheme[] = [
  'disability_confident',
  'care_leaver',
  'armed_forces',
];
export const guaranteedInterviewNames: Record<GuaranteedInterviewScheme, string> = {
  disability_confident: 'Disability Confident: they have a disability and meet the essential criteria',
  care_leaver: 'They are a care leaver',
  armed_forces: 'They are a veteran of the armed forces',
};

const text = (max: number, tooLong: string) =>
  z.preprocess((value) => single(value) ?? '', z.string().trim().max(max, tooLong));
const required = (max: number, missing: string, tooLong: string) => text(max, tooLong).pipe(z.string().min(1, missing));

const paperSchema = z.object({
  firstName: required(100, 'Enter their first name', 'First name must be 100 characters or fewer'),
  lastName: required(100, 'Enter their last name', 'Last name must be 100 characters or fewer'),
  email: z.preprocess(
    (value) => (typeof single(value) === 'string' && String(single(value)).trim() !== '' ? single(value) : undefined),
    emailField.optional().transform((value) => value ?? ''),
  ),
  phone: text(30, 'Phone number must be 30 characters or fewer'),
  address: required(500, 'Enter their address', 'Address must be 500 characters or fewer'),
  postcode: text(16, 'Enter a real postcode, like DE4 3AG')
    .refine((value) => value === '' || normalisePostcode(value) !== null, 'Enter a real postcode, like DE4 3AG')
    .transform((value) => (value ? normalisePostcode(value)! : '')),
  employment: required(
    5000,
    'Enter a summary of their employment history',
    'Employment history must be 5,000 characters or fewer',
  ),
  qualifications: text(5000, 'Qualifications must be 5,000 characters or fewer'),
  supportingStatement: required(
    20_000,
    'Enter their supporting statement',
    'Supporting statement must be 20,000 characters or fewer',
  ),
  guaranteedInterview: z.preprocess(
    (value) => (value === undefined ? [] : [value].flat().filter((item) => item !== '')),
    z.array(
      z.enum(guaranteedInterviewSchemes as [GuaranteedInterviewScheme, ...GuaranteedInterviewScheme[]], {
        error: 'Select the schemes they declared',
      }),
    ),
  ),
});

export interface PaperApplicationInput extends z.infer<typeof paperSchema> {
  receivedOn: string;
}

const order = [
  'firstName',
  'lastName',
  'email',
  'phone',
  'address',
  'postcode',
  'employment',
  'qualifications',
  'supportingStatement',
  'guaranteedInterview',
  'receivedOn',
];

export function readPaperApplication(
  body: Record<string, unknown>,
  now: Date,
): { ok: true; input: PaperApplicationInput } | { ok: false; errors: FormErrors; receivedParts: DatePart[] } {
  const problems = new Map<string, string>();
  const parsed = paperSchema.safeParse(body);
  if (!parsed.success)
    for (const issue of parsed.error.issues) {
      const field = String(issue.path[0] ?? '');
      if (!problems.has(field)) problems.set(field, issue.message);
    }
  let receivedParts: DatePart[] = [];
  const received = parseDateInput(readDateInput(body, 'receivedOn'), dateInputWording('Date received'));
  if ('error' in received) {
    problems.set('receivedOn', received.error);
    receivedParts = received.parts;
  } else if (received.value === null) {
    problems.set('receivedOn', 'Enter the date the application was received');
    receivedParts = ['day', 'month', 'year'];
  } else if (received.value > dayInEngland(now)) {
    problems.set('receivedOn', 'Date received must be today or in the past');
    receivedParts = ['day', 'month', 'year'];
  }
  if (problems.size > 0 || !parsed.success || !('value' in received) || !received.value) {
    const errors: FormErrors = { summary: [], fields: {} };
    for (const field of [...problems.keys()].sort((a, b) => order.indexOf(a) - order.indexOf(b))) {
      const message = problems.get(field)!;
      errors.fields[field] = { text: message };
      errors.summary.push({
        text: message,
        href: `#${field === 'receivedOn' ? 'receivedOn-day' : field === 'guaranteedInterview' ? 'guaranteedInterview' : field}`,
      });
    }
    return { ok: false, errors, receivedParts };
  }
  return { ok: true, input: { ...parsed.data, receivedOn: received.value } };
}

/**
 * A paper application a recruiter types in: a draft with no account, then submitted through the one
 * stage change (which staff may make for a paper applicant), so the pipeline, the events and the
 * figures include it and the applicant is emailed if they gave an address. Its submitted time is
 * the day it was received.
 */
export function createPaperApplications({
  db,
  clock,
  messages,
}: {
  db: Kysely<Database>;
  clock: () => Date;
  messages: ApplicantMessages;
}) {
  return {
    async record(actor: Actor, vacancyId: number, input: PaperApplicationInput, ip: string | null): Promise<number> {
      if (!hasCapability(actor, 'recruitment.manage')) throw new NotFoundError();
      const now = clock();
      return db.transaction().execute(async (tx) => {
        const vacancy = await tx
          .selectFrom('vacancies')
          .select(['id', 'organisation_id', 'status', 'publish_at', 'closes_at'])
          .where('id', '=', vacancyId)
          .forUpdate()
          .executeTakeFirst();
        if (!vacancy || vacancy.organisation_id !== actor.organisationId) throw new NotFoundError();
        const phase = vacancyPhase(vacancy, now);
        if (phase !== 'live' && phase !== 'closed')
          throw new VacancyRuleError('Paper applications can be recorded only for a live or closed vacancy');
        const { id } = await tx
          .insertInto('applications')
          .values({
            vacancy_id: vacancyId,
            citizen_id: null,
            channel: 'paper',
            status: 'draft',
            personal: JSON.stringify({
              first_name: input.firstName,
              last_name: input.lastName,
              email: input.email,
              phone: input.phone,
              address: input.address,
              postcode: input.postcode,
              right_to_work: '',
            }),
            // The paper form's history and qualifications, as the recruiter summarised them.
            employment_history: JSON.stringify([
              { employer: '', job_title: '', from: '', to: '', duties: input.employment, reason_for_leaving: '' },
            ]),
            qualifications: JSON.stringify(
              input.qualifications
                ? [{ subject: input.qualifications, level: '', grade: '', awarded: '', institution: '' }]
                : [],
            ),
            supporting_statement: input.supportingStatement,
            guaranteed_interview: input.guaranteedInterview,
            sections_completed: [],
            created_at: now,
            updated_at: now,
          })
          .returning('id')
          .executeTakeFirstOrThrow();
        await recordAudit(
          tx,
          {
            actor,
            action: 'create',
            recordType: 'application',
            recordId: id,
            detail: { channel: 'paper', vacancy: vacancyId, receivedOn: input.receivedOn },
            ipAddress: ip,
          },
          now,
        );
        await changeStage(tx, messages, { applicationId: id, to: 'submitted', actor, now, ipAddress: ip });
        const receivedAt = instantInEngland(input.receivedOn, '12:00');
        await tx
          .updateTable('applications')
          .set({ submitted_at: receivedAt > now ? now : receivedAt })
          .where('id', '=', id)
          .execute();
        return id;
      });
    },
  };
}

export type PaperApplications = ReturnType<typeof createPaperApplications>;
