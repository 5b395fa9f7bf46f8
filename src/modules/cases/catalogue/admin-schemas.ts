import { z } from 'zod';
import {
  questionDatatypes,
  questionDates,
  type QuestionDatatype,
  type QuestionDates,
  type RequestTier,
} from '../../../db/schema.js';
import { NotFoundError } from '../../../shared/errors.js';
import { visibleName } from '../../../shared/names.js';

/** What the new-type form sends in codeChoice for "a new kind": not a service code, which has no underscores. */
export const NEW_KIND = '_new';

export const serviceCodePattern = /^[a-z0-9-]+$/;
const questionCodePattern = /^[a-z0-9_]+$/;
const optionKeyPattern = /^[a-z0-9_-]+$/;
const MAX_OPTIONS = 50;

export const tierNames: Record<RequestTier, string> = {
  'district/unitary': 'District and unitary councils',
  'county/unitary': 'County and unitary councils',
};

/** Open311's datatypes, as administrators read them. */
export const datatypeNames: Record<QuestionDatatype, string> = {
  string: 'Short text (string)',
  text: 'Longer text, several lines (text)',
  number: 'A number (number)',
  datetime: 'A date (datetime)',
  singlevaluelist: 'One choice from a list (singlevaluelist)',
  multivaluelist: 'Any number of choices from a list (multivaluelist)',
};

const listDatatypes: QuestionDatatype[] = ['singlevaluelist', 'multivaluelist'];
export const isListDatatype = (datatype: QuestionDatatype) => listDatatypes.includes(datatype);

/** A text field that may be left empty; anything missing is read as empty. */
const optionalText = (max: number, tooLong: string) =>
  z
    .string()
    .optional()
    .transform((value) => (value ?? '').trim())
    .pipe(z.string().max(max, tooLong));

const requiredText = (max: number, missing: string, tooLong: string) =>
  z
    .string({ error: missing })
    .optional()
    .transform((value) => (value ?? '').trim())
    .pipe(z.string().min(1, missing).max(max, tooLong));

/** A checkbox: ticked sends "yes", unticked sends nothing. */
const ticked = z
  .unknown()
  .optional()
  .transform((value) => value === 'yes');

const lgslField = z
  .string()
  .optional()
  .transform((value) => (value ?? '').trim())
  .pipe(z.string().regex(/^\d{0,6}$/, 'LGSL code must be a number, like 524'))
  .transform((value) => (value === '' ? null : Number(value)));

const slaField = z
  .string({ error: 'Enter the target in working days' })
  .optional()
  .transform((value) => (value ?? '').trim())
  .pipe(
    z
      .string()
      .min(1, 'Enter the target in working days')
      .regex(/^\d{1,4}$/, 'Target must be a whole number of working days, like 5'),
  )
  .transform(Number)
  .pipe(
    z.number().min(1, 'Target must be at least 1 working day').max(365, 'Target must be 365 working days or fewer'),
  );

const idField = (missing: string) =>
  z
    .string({ error: missing })
    .regex(/^\d{1,9}$/, missing)
    .transform(Number);

export const typeDetailsShape = {
  name: visibleName(requiredText(200, 'Enter a name', 'Name must be 200 characters or fewer'), 'Name'),
  lgsl: lgslField,
  group: requiredText(100, 'Enter a group, like Roads and pavements', 'Group must be 100 characters or fewer'),
  description: optionalText(1000, 'Description must be 1000 characters or fewer'),
  hint: optionalText(500, 'Hint must be 500 characters or fewer'),
  keywords: optionalText(500, 'Keywords must be 500 characters or fewer'),
  slaWorkingDays: slaField,
  teamId: idField('Select the team that receives these requests'),
  publicOnMap: ticked,
  allowsAnonymous: ticked,
  active: ticked,
};

export const typeDetailsSchema = z.object(typeDetailsShape);
export type TypeDetails = z.infer<typeof typeDetailsSchema>;

export const newTypeSchema = z
  .object({
    ...typeDetailsShape,
    organisationId: idField('Select an organisation'),
    codeChoice: z
      .string({ error: 'Select the kind of request this is, or a new kind' })
      .min(1, 'Select the kind of request this is, or a new kind'),
    newServiceCode: optionalText(60, 'Service code must be 60 characters or fewer').transform((value) =>
      value.toLowerCase(),
    ),
    tier: z.enum(['district/unitary', 'county/unitary'], {
      error: 'Select which councils receive this kind of request',
    }),
  })
  // Checked even when other fields are wrong (`when`), so every mistake is shown at once; the values may then be unchecked.
  .refine(
    (form) => form.codeChoice !== NEW_KIND || typeof form.newServiceCode !== 'string' || form.newServiceCode !== '',
    {
      path: ['newServiceCode'],
      message: 'Enter a service code for the new kind, like fallen-sign',
      when: () => true,
    },
  )
  .refine(
    (form) =>
      form.codeChoice !== NEW_KIND ||
      typeof form.newServiceCode !== 'string' ||
      form.newServiceCode === '' ||
      serviceCodePattern.test(form.newServiceCode),
    {
      path: ['newServiceCode'],
      message: 'Service code must be lower case letters, numbers and hyphens only, like fallen-sign',
      when: () => true,
    },
  )
  .transform(({ codeChoice, newServiceCode, ...rest }) => ({
    ...rest,
    serviceCode: codeChoice === NEW_KIND ? newServiceCode : codeChoice,
  }));
export type NewTypeInput = z.infer<typeof newTypeSchema>;

export interface QuestionOption {
  key: string;
  name: string;
}

/** Options typed one a line as "key: Name", checked line by line so each message names its line. */
export function parseOptions(text: string): { options: QuestionOption[] } | { error: string } {
  const lines = text.split(/\r?\n/).map((line) => line.trim());
  const options: QuestionOption[] = [];
  for (const [index, line] of lines.entries()) {
    if (line === '') continue;
    const lineName = `Line ${index + 1}`;
    const colon = line.indexOf(':');
    if (colon < 0) return { error: `${lineName} must be a key, a colon and a name, like pavement: On the pavement` };
    const key = line.slice(0, colon).trim();
    const name = line.slice(colon + 1).trim();
    if (!optionKeyPattern.test(key))
      return {
        error: `${lineName}: the key before the colon must be lower case letters, numbers, hyphens and underscores only`,
      };
    if (key.length > 50) return { error: `${lineName}: the key must be 50 characters or fewer` };
    if (name === '') return { error: `${lineName} must have a name after the colon, like pavement: On the pavement` };
    if (name.length > 200) return { error: `${lineName}: the name must be 200 characters or fewer` };
    if (options.some((option) => option.key === key))
      return { error: `Each key must be different: ${key} is used more than once` };
    options.push({ key, name });
  }
  if (options.length > MAX_OPTIONS) return { error: `Enter ${MAX_OPTIONS} options or fewer` };
  return { options };
}

/** The options as the form shows them again: one a line. */
export const optionsText = (options: QuestionOption[]) =>
  options.map((option) => `${option.key}: ${option.name}`).join('\n');

const questionShape = {
  label: requiredText(200, 'Enter the question', 'Question must be 200 characters or fewer'),
  hint: optionalText(500, 'Hint must be 500 characters or fewer'),
  datatype: z.enum(questionDatatypes, { error: 'Select the kind of answer' }),
  required: z
    .enum(['yes', 'no'], { error: 'Select whether residents must answer it' })
    .transform((value) => value === 'yes'),
  options: z
    .string()
    .optional()
    .transform((value) => value ?? ''),
  // Its answers are special-category data (health, say): other bodies see them only when an agreement shares them.
  specialCategory: z
    .preprocess(
      (value) => (Array.isArray(value) ? value[0] : value),
      z.literal('yes', { error: 'Select whether the answers are special-category data, or leave it' }).optional(),
    )
    .transform((value) => value === 'yes'),
  errorMessage: optionalText(200, 'The message must be 200 characters or fewer'),
  // Empty or "any": a date question takes any real date.
  dates: z
    .enum(['any', ...questionDates], { error: 'Select which dates make sense' })
    .optional()
    .transform((value) => (value === undefined || value === 'any' ? null : value)),
};

/** What is wrong with the options for this datatype, if anything: lists need at least two, other answers none. */
function optionsProblem(form: { datatype?: unknown; options?: unknown }): string | null {
  const parsed = parseOptions(typeof form.options === 'string' ? form.options : '');
  if ('error' in parsed) return parsed.error;
  const isList = typeof form.datatype === 'string' && isListDatatype(form.datatype as QuestionDatatype);
  if (isList && parsed.options.length < 2)
    return 'Enter at least 2 options, one a line, like pavement: On the pavement';
  if (!isList && typeof form.datatype === 'string' && parsed.options.length > 0)
    return 'Only list questions have options: remove them, or choose a list as the kind of answer';
  return null;
}

/** Adds the options check to a question form, run even when other fields are wrong so every mistake shows at once. */
function withOptions<T extends z.ZodType<{ datatype: QuestionDatatype; options: string; dates: QuestionDates | null }>>(
  schema: T,
) {
  return schema
    .refine((form) => form.dates === null || form.datatype === 'datetime', {
      path: ['dates'],
      error: 'Only date questions have a range of dates: choose any date, or a date as the kind of answer',
    })
    .refine((form) => optionsProblem(form) === null, {
      path: ['options'],
      when: () => true,
      error: (issue) => optionsProblem(issue.input as { datatype?: unknown; options?: unknown }) ?? 'Check the options',
    })
    .transform((form) => {
      const parsed = parseOptions(form.options);
      return { ...form, options: 'options' in parsed ? parsed.options : [] };
    });
}

export const questionSchema = withOptions(z.object(questionShape));
export type QuestionInput = z.infer<typeof questionSchema>;

export const newQuestionSchema = withOptions(
  z.object({
    ...questionShape,
    code: requiredText(50, 'Enter a code for the question, like depth_cm', 'Code must be 50 characters or fewer')
      .transform((value) => value.toLowerCase())
      .pipe(
        z
          .string()
          .regex(questionCodePattern, 'Code must be lower case letters, numbers and underscores only, like depth_cm'),
      ),
  }),
);
export type NewQuestionInput = z.infer<typeof newQuestionSchema>;

export const moveSchema = z.object({ direction: z.enum(['up', 'down']) });

const teamShape = {
  name: visibleName(
    requiredText(100, 'Enter the team’s name', 'Name must be 100 characters or fewer'),
    'The team’s name',
  ),
  // Optional: transfers into the team are emailed here when there is one.
  email: optionalText(254, 'Email address must be 254 characters or fewer')
    .refine(
      (value) => value === '' || z.email().safeParse(value).success,
      'Enter an email address in the correct format, like highways@example.gov.uk',
    )
    .transform((value) => (value === '' ? null : value.toLowerCase())),
};

export const teamSchema = z.object(teamShape);
export type TeamInput = z.infer<typeof teamSchema>;

export const newTeamSchema = z.object({ ...teamShape, organisationId: idField('Select an organisation') });

export const memberSchema = z.object({ staffId: idField('Select a member of staff to add') });

/** ?organisation= on the list pages: which member organisation to show; anything else, the actor's own. */
export const organisationQuerySchema = z.object({
  organisation: z.coerce.number().int().positive().max(2_147_483_647).optional().catch(undefined),
});

const questionParamsSchema = z.object({
  id: z.coerce.number().int().positive().max(2_147_483_647),
  questionId: z.coerce.number().int().positive().max(2_147_483_647),
});

/** A request type and one of its questions from the address; anything else is a page that does not exist. */
export function parseQuestionParams(params: unknown): { id: number; questionId: number } {
  const parsed = questionParamsSchema.safeParse(params);
  if (!parsed.success) throw new NotFoundError();
  return parsed.data;
}
