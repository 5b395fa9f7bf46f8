import { z } from 'zod';
import { applicationStatuses, type ApplicationStatus } from '../../../db/schema.js';
import { NotFoundError } from '../../../shared/errors.js';
import { single } from '../../../shared/form-values.js';
import { unknownRecruitmentPlaceholders } from '../messages/templates.js';

const text = (max: number, tooLong: string) =>
  z.preprocess((value) => single(value) ?? '', z.string().trim().max(max, tooLong));
const required = (max: number, missing: string, tooLong: string) => text(max, tooLong).pipe(z.string().min(1, missing));

/** An id in an address: anything but a positive 32-bit integer is a page that does not exist. */
export function parseId(value: unknown): number {
  const id = Number(value);
  if (!/^\d{1,10}$/.test(String(value)) || !Number.isSafeInteger(id) || id <= 0 || id > 2_147_483_647)
    throw new NotFoundError();
  return id;
}

/** An id chosen on a form: a whole number that fits the database's integer, else the message. */
const idField = (message: string) =>
  z
    .string({ error: message })
    .regex(/^\d{1,10}$/, message)
    .transform(Number)
    .refine((id) => id > 0 && id <= 2_147_483_647, message);

const shownStatuses = applicationStatuses.filter((status) => status !== 'draft') as ApplicationStatus[];
const stageField = (message: string) =>
  z.preprocess(
    (value) => single(value) ?? '',
    z.enum(shownStatuses as [ApplicationStatus, ...ApplicationStatus[]], { error: message }),
  );

export const listQuerySchema = z.object({
  stage: z.preprocess(
    (value) => (single(value) === '' ? undefined : single(value)),
    z
      .enum(shownStatuses as [ApplicationStatus, ...ApplicationStatus[]])
      .optional()
      .catch(undefined),
  ),
  sort: z.preprocess((value) => single(value), z.enum(['submitted', 'score']).catch('submitted')),
});

const moveFields = {
  to: stageField('Select the stage to move to'),
  message: text(2000, 'The message must be 2,000 characters or fewer'),
  reason: text(1000, 'The reason must be 1,000 characters or fewer'),
};

export const stageFormSchema = z.object(moveFields);

export const bulkFormSchema = z.object({
  applicationIds: z.preprocess(
    (value) => (value === undefined ? [] : [value].flat()),
    z
      .array(idField('Select applications from the list'))
      .min(1, 'Select at least one application')
      .max(500, 'Move 500 applications or fewer at once'),
  ),
  ...moveFields,
});

export const panelFormSchema = z.object({
  action: z.preprocess(single, z.enum(['add', 'remove'], { error: 'Choose what to do' })),
  staffId: z.preprocess(single, idField('Select a member of staff')),
});

/** Each criterion's score (`score-<id>`, 0 to 3) and note (`note-<id>`), checked against the vacancy's criteria. */
export function readScores(body: Record<string, unknown>, criteria: { id: number; position?: number }[]) {
  const errors: { field: string; message: string }[] = [];
  const scores = criteria.map((criterion, index) => {
    const raw = single(body[`score-${criterion.id}`]);
    const note =
      typeof single(body[`note-${criterion.id}`]) === 'string'
        ? String(single(body[`note-${criterion.id}`])).trim()
        : '';
    const score = typeof raw === 'string' && /^[0-3]$/.test(raw) ? Number(raw) : null;
    if (score === null)
      errors.push({ field: `score-${criterion.id}`, message: `Select a score for criterion ${index + 1}` });
    if (note.length > 2000)
      errors.push({
        field: `note-${criterion.id}`,
        message: `The note on criterion ${index + 1} must be 2,000 characters or fewer`,
      });
    return { criterionId: criterion.id, score: score ?? 0, note };
  });
  return { scores, errors };
}

export const slotFormSchema = z.object({
  time: text(5, 'Enter the time as hours and minutes, like 14:30').pipe(
    z
      .string()
      .min(1, 'Enter the time of the interview')
      .regex(/^([01]?\d|2[0-3]):[0-5]\d$/, 'Enter the time as hours and minutes, like 14:30'),
  ),
  minutes: text(4, 'Enter the length in minutes, from 5 to 480')
    .pipe(
      z
        .string()
        .min(1, 'Enter how many minutes the interview lasts')
        .regex(/^\d+$/, 'Enter the length in minutes, from 5 to 480'),
    )
    .transform(Number)
    .pipe(
      z
        .number()
        .min(5, 'Enter the length in minutes, from 5 to 480')
        .max(480, 'Enter the length in minutes, from 5 to 480'),
    ),
  place: required(200, 'Enter where the interview is, or how to join it', 'The place must be 200 characters or fewer'),
});

export const offerFormSchema = z.object({
  answer: z.preprocess(
    single,
    z.enum(['accept', 'decline'], { error: 'Select whether you accept or decline the offer' }),
  ),
  confirmed: z.preprocess(single, z.enum(['yes']).optional().catch(undefined)),
});

export const interviewFormSchema = z.object({
  slotId: z.preprocess(single, idField('Select an interview time')),
});

export const checksFormSchema = z.object({
  action: z.preprocess(
    single,
    z.enum(['right_to_work', 'dbs', 'references', 'appoint'], { error: 'Choose what to do' }),
  ),
  referees: z.preprocess(
    (value) => (value === undefined ? [] : [value].flat()),
    z.array(
      z
        .string()
        .regex(/^\d{1,3}$/)
        .transform(Number),
    ),
  ),
});

export const referenceFormSchema = z
  .object({
    relationship: required(
      500,
      'Enter how you know the applicant',
      'How you know them must be 500 characters or fewer',
    ),
    howLong: required(100, 'Enter how long you have known the applicant', 'How long must be 100 characters or fewer'),
    suitability: required(
      5000,
      'Enter how suitable the applicant is for the post',
      'Suitability must be 5,000 characters or fewer',
    ),
    hasConcerns: z.preprocess(single, z.enum(['yes', 'no'], { error: 'Select whether you have any concerns' })),
    concerns: text(5000, 'Your concerns must be 5,000 characters or fewer'),
    declaration: z.preprocess(
      single,
      z.literal('yes', { error: 'Confirm that the reference is true to the best of your knowledge' }),
    ),
  })
  .refine((form) => form.hasConcerns === 'no' || form.concerns !== '', {
    path: ['concerns'],
    message: 'Describe your concerns',
  });

const templateText = (name: string, max: number) =>
  required(
    max,
    `Enter the ${name}`,
    `The ${name} must be ${max.toLocaleString('en-GB')} characters or fewer`,
  ).superRefine((value, context) => {
    const unknown = unknownRecruitmentPlaceholders(value);
    if (unknown.length)
      context.addIssue({
        code: 'custom',
        message: `The ${name} uses ${unknown.map((name) => `((${name}))`).join(', ')}: use only ((name)), ((job_title)), ((employer)), ((application_url)) and ((message))`,
      });
  });

export const templateFormSchema = z.object({
  subject: templateText('subject', 200),
  body: templateText('body', 5000),
  action: z.preprocess(single, z.enum(['save', 'preview']).catch('save')),
});
