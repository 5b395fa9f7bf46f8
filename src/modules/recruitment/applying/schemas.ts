import { z } from 'zod';
import { blankToUndefined, single } from '../../../shared/form-values.js';
import { isUkPhoneNumber, phoneNumberMessage } from '../../../shared/phone.js';
import { monthOf } from './employment-gaps.js';
import type { Criterion } from './repository.js';

/**
 * The applicant's forms. A section saved to come back to later checks only what was written
 * (a malformed email, too long a text); saved as completed, it also needs every required answer.
 * A form with an error saves nothing.
 */

const text = (name: string, max: number, required: string | null) => {
  const field = z.string().trim().max(max, `${name} must be ${max} characters or fewer`);
  return z.preprocess((value) => single(value) ?? '', required ? field.min(1, required) : field);
};

const email = (required: string | null) =>
  z.preprocess(
    (value) => single(value) ?? '',
    z
      .string()
      .trim()
      .max(254, 'Email address must be 254 characters or fewer')
      .refine(
        (value) => value === '' || z.email().safeParse(value).success,
        'Enter an email address in the correct format, like name@example.com',
      )
      .refine((value) => !required || value !== '', required ?? '')
      .transform((value) => value.toLowerCase()),
  );

const phone = (required: string | null) =>
  z.preprocess(
    (value) => single(value) ?? '',
    z
      .string()
      .trim()
      .max(30, phoneNumberMessage)
      .refine((value) => value === '' || isUkPhoneNumber(value), phoneNumberMessage)
      .refine((value) => !required || value !== '', required ?? ''),
  );

const UK_POSTCODE = /^[A-Z]{1,2}[0-9][A-Z0-9]? ?[0-9][A-Z]{2}$/i;

export const rightToWorkNames: Record<string, string> = {
  yes: 'Yes',
  no: 'No',
  not_sure: 'I’m not sure',
};

export function personalSchema(complete: boolean) {
  const need = (message: string) => (complete ? message : null);
  return z.object({
    first_name: text('First name', 100, need('Enter your first name')),
    last_name: text('Last name', 100, need('Enter your last name')),
    email: email(need('Enter your email address')),
    phone: phone(need('Enter your phone number')),
    address: text('Address', 500, need('Enter your address')),
    postcode: z.preprocess(
      (value) => single(value) ?? '',
      z
        .string()
        .trim()
        .toUpperCase()
        .refine((value) => value === '' || UK_POSTCODE.test(value), 'Enter a real postcode, like DE4 3AG')
        .refine((value) => !complete || value !== '', 'Enter your postcode'),
    ),
    right_to_work: z.preprocess(
      (value) => single(value) ?? '',
      z
        .enum(['', 'yes', 'no', 'not_sure'], { error: 'Select whether you have the right to work in the UK' })
        .refine((value) => !complete || value !== '', 'Select whether you have the right to work in the UK'),
    ),
  });
}

/** A month written in the GOV.UK date input's month and year boxes, as 'YYYY-MM'. */
function month(name: string, label: string, optional: boolean, now: Date) {
  return z.object({ month: z.string(), year: z.string() }).transform((parts, context) => {
    const monthText = parts.month.trim();
    const yearText = parts.year.trim();
    if (!monthText && !yearText) {
      if (optional) return '';
      context.addIssue({ code: 'custom', message: `Enter the month and year ${label}`, path: [name] });
      return z.NEVER;
    }
    const monthNumber = Number(monthText);
    const year = Number(yearText);
    if (
      !/^\d{1,2}$/.test(monthText) ||
      monthNumber < 1 ||
      monthNumber > 12 ||
      !/^\d{4}$/.test(yearText) ||
      year < 1940
    ) {
      context.addIssue({ code: 'custom', message: `Enter a real month and year ${label}, like 4 2019`, path: [name] });
      return z.NEVER;
    }
    const value = `${yearText}-${String(monthNumber).padStart(2, '0')}`;
    // This month as the calendar in England reads it: at 00:30 on 1 May (BST) it is May already.
    if (value > monthOf(now)) {
      context.addIssue({ code: 'custom', message: `The month ${label} must be this month or before`, path: [name] });
      return z.NEVER;
    }
    return value;
  });
}

/** The date inputs' boxes, read into one object per month: `from-month`, `from-year`. */
export function monthParts(body: Record<string, unknown>, name: string) {
  const part = (key: string) => {
    const value = single(body[`${name}-${key}`]);
    return typeof value === 'string' ? value.slice(0, 10) : '';
  };
  return { month: part('month'), year: part('year') };
}

export function jobSchema(now: Date) {
  return z
    .object({
      employer: text('Employer', 200, 'Enter the employer’s name'),
      job_title: text('Job title', 200, 'Enter your job title'),
      from: month('from', 'you started', false, now),
      to: month('to', 'you left', true, now),
      duties: text('Your duties', 2000, null),
      reason_for_leaving: text('Reason for leaving', 500, null),
    })
    .refine((job) => job.to === '' || job.to >= job.from, {
      message: 'The month you left must be the same as or after the month you started',
      path: ['to'],
    });
}

/** The form's values of a job, with its months split into the date input's boxes. */
export function jobFormBody(body: Record<string, unknown>) {
  return { ...body, from: monthParts(body, 'from'), to: monthParts(body, 'to') };
}

export const qualificationSchema = z.object({
  subject: text('Subject', 200, 'Enter the subject or name of the qualification'),
  level: text('Level', 100, 'Enter the level, like GCSE, A level, NVQ level 3 or degree'),
  grade: text('Grade', 50, null),
  awarded: z.preprocess(
    (value) => single(value) ?? '',
    z
      .string()
      .trim()
      .min(1, 'Enter the year you were awarded it')
      .regex(/^(19[4-9]\d|20\d\d)$/, 'Enter a year, like 2015'),
  ),
  institution: text('School, college or awarding body', 200, null),
});

export const refereeSchema = z.object({
  name: text('Name', 200, 'Enter the referee’s name'),
  email: email('Enter the referee’s email address'),
  phone: phone(null),
  relationship: text(
    'How you know them',
    200,
    'Enter how the referee knows you, like “my line manager at the council”',
  ),
  contact_before_offer: z.preprocess(
    (value) => single(value),
    z.enum(['yes', 'no'], { error: 'Select whether we may contact them before an offer' }),
  ),
});

export const GAP_EXPLANATION_LIMIT = 1000;

/** The explanations of gaps in the working history, one per gap (`gap-0`, `gap-1`, ...). */
export function gapsSchema(count: number, complete: boolean) {
  return z.object(
    Object.fromEntries(
      Array.from({ length: count }, (_, index) => [
        `gap-${index}`,
        text(
          'Your explanation',
          GAP_EXPLANATION_LIMIT,
          complete ? 'Tell us what you were doing during this gap' : null,
        ),
      ]),
    ),
  );
}

/** Evidence against each criterion is limited in words, as paper forms were by their boxes. */
export const CRITERION_WORD_LIMIT = 250;
export const countWords = (value: string) => value.trim().split(/\s+/).filter(Boolean).length;

export function statementSchema(criteria: readonly Criterion[], complete: boolean) {
  return z.object(
    Object.fromEntries(
      criteria.map((criterion) => {
        let field = z
          .string()
          .trim()
          .max(10_000, `Your answer must be ${CRITERION_WORD_LIMIT} words or fewer`)
          .refine(
            (value) => countWords(value) <= CRITERION_WORD_LIMIT,
            `Your answer must be ${CRITERION_WORD_LIMIT} words or fewer`,
          );
        if (complete && criterion.kind === 'essential')
          field = field.refine((value) => value !== '', 'Tell us how you meet this essential criterion');
        return [`criterion-${criterion.id}`, z.preprocess((value) => single(value) ?? '', field)];
      }),
    ),
  );
}

export const guaranteedInterviewSchemes = ['disability_confident', 'care_leaver', 'armed_forces'] as const;

export const guaranteedInterviewNames: Record<
  (typeof guaranteedInterviewSchemes)[number],
  { text: string; hint: string }
> = {
  disability_confident: {
    text: 'I have a disability and want to apply under the Disability Confident scheme',
    hint: 'If you meet the essential criteria, you will be offered an interview. You do not have to tell us about your disability.',
  },
  care_leaver: {
    text: 'I am a care leaver',
    hint: 'You were in the care of a local authority for at least 13 weeks after the age of 14. If you meet the essential criteria, you will be offered an interview.',
  },
  armed_forces: {
    text: 'I have served in the UK armed forces (a veteran), or I am leaving them',
    hint: 'If you meet the essential criteria, you will be offered an interview.',
  },
};

export const ADJUSTMENTS_LIMIT = 2000;

export const adjustmentsSchema = z.object({
  adjustments: text('Your adjustments', ADJUSTMENTS_LIMIT, null),
  guaranteed_interview: z.preprocess(
    (value) => (value === undefined ? [] : [value].flat()),
    z.array(z.enum(guaranteedInterviewSchemes, { error: 'Select the schemes that apply to you' })).max(3),
  ),
});

export const declarationSchema = z.object({
  declaration: z.preprocess(
    (value) => single(value),
    z.literal('yes', { error: 'Confirm that the information you have given is true and complete' }),
  ),
});

/** The button pressed on a section's page. */
export function pressed(body: Record<string, unknown>): 'complete' | 'later' {
  return single(body.save) === 'later' ? 'later' : 'complete';
}

export const parseId = (value: string): number | null => (/^\d{1,9}$/.test(value) ? Number(value) : null);

export { blankToUndefined };
