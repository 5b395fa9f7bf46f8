import { z } from 'zod';
import type { AgreementPurpose, OrganisationType, PartnershipKind, ProjectStatus } from '../../db/schema.js';
import { dateInputWording, gatherDateInputs, parseDateInput } from '../../shared/date-input.js';
import { parsePounds } from './money.js';
import { visibleName } from '../../shared/names.js';
import { dataCategories, minimumCategory, sharingRelationships } from '../../shared/sharing.js';
import { receivingRoles } from '../identity/policy.js';

export const organisationTypeNames: Record<OrganisationType, string> = {
  council: 'Council',
  advice_agency: 'Advice agency',
  police: 'Police',
  health: 'Health',
  fire_and_rescue: 'Fire and rescue',
  housing: 'Housing',
  other: 'Other',
};
/** Councils come from the reference data; every other type is a partner body added here. */
export const partnerBodyTypes = ['advice_agency', 'police', 'health', 'fire_and_rescue', 'housing', 'other'] as const;

export const partnershipKindNames: Record<PartnershipKind, string> = {
  national: 'National',
  regional: 'Regional',
  shire: 'Shire',
  local: 'Local',
};
const partnershipKinds = ['national', 'regional', 'shire', 'local'] as const;

export const projectStatusNames: Record<ProjectStatus, string> = {
  proposed: 'Proposed',
  active: 'Active',
  completed: 'Completed',
  stopped: 'Stopped',
};
const projectStatuses = ['proposed', 'active', 'completed', 'stopped'] as const;

export const lessonOutcomeNames = { worked: 'What worked', did_not_work: 'What did not work' } as const;
const lessonOutcomes = ['worked', 'did_not_work'] as const;

export const agreementPurposeNames: Record<AgreementPurpose, string> = {
  cases: 'Cases (requests and contacts)',
  recruitment: 'Recruitment',
  insight: 'Insight (performance figures)',
};
const agreementPurposes = ['cases', 'recruitment', 'insight'] as const;

const isRecord = (value: unknown): value is Record<string, unknown> => typeof value === 'object' && value !== null;

/**
 * Cross-field checks run even when another field has failed, so the person sees every problem at
 * once; but only when the fields they compare have both parsed to dates.
 */
const bothDates =
  (first: string, second: string) =>
  ({ value }: { value: unknown }) =>
    isRecord(value) && typeof value[first] === 'string' && typeof value[second] === 'string';

/** A date input that may be left empty: 'YYYY-MM-DD' or null. `label` starts each message ("End date must be a real date"). */
function optionalDateField(label: string) {
  return dateField(label, null);
}

/** A date input that must be filled in; `missing` is the message when it is left empty. */
function requiredDateField(label: string, missing: string) {
  // An empty date has already failed the parse here, so what passes is always a date.
  return dateField(label, missing).transform((value) => value as string);
}

function dateField(label: string, missing: string | null) {
  // These forms say "Year must include 4 numbers", without the label.
  const wording = { ...dateInputWording(label), yearDigits: 'Year must include 4 numbers' };
  return z
    .object({ day: z.string(), month: z.string(), year: z.string() })
    .transform((input, context): string | null => {
      const result = parseDateInput(input, wording);
      if ('error' in result) {
        context.addIssue({ code: 'custom', message: result.error });
        return null;
      }
      if (result.value === null && missing) context.addIssue({ code: 'custom', message: missing });
      return result.value;
    });
}

const text = (name: string, max: number) =>
  z
    .string({ error: `Enter ${name}` })
    .trim()
    .min(1, `Enter ${name}`)
    .max(max, `${capitalise(name)} must be ${max} characters or fewer`);
const optionalText = (label: string, max: number) =>
  z.string().trim().max(max, `${label} must be ${max} characters or fewer`).optional().default('');

function capitalise(value: string): string {
  const words = value.replace(/^(a|an|the) /, '');
  return words.charAt(0).toUpperCase() + words.slice(1);
}

/** Checkboxes arrive as nothing, one string, or an array of strings; each must be a record id. */
const idList = (message: string) =>
  z
    .union([z.string(), z.array(z.string())])
    .optional()
    .transform((value, context): number[] => {
      const ids = (value === undefined ? [] : [value].flat()).filter((item) => item !== '').map(Number);
      if (ids.some((id) => !Number.isInteger(id) || id <= 0 || id > 2_147_483_647)) {
        context.addIssue({ code: 'custom', message });
        return [];
      }
      return [...new Set(ids)];
    });

/** Checkboxes of fixed choices: nothing, one string or an array; given back in the choices' own order, each once. */
function choiceList<T extends string>(choices: readonly T[], empty: string, invalid: string) {
  return z
    .union([z.string(), z.array(z.string())])
    .optional()
    .transform((value, context): T[] => {
      const items = (value === undefined ? [] : [value].flat()).filter((item) => item !== '');
      if (items.some((item) => !(choices as readonly string[]).includes(item))) {
        context.addIssue({ code: 'custom', message: invalid });
        return [];
      }
      if (items.length === 0) context.addIssue({ code: 'custom', message: empty });
      return choices.filter((choice) => items.includes(choice));
    });
}

/** The categories of data an agreement shares: status and reference always among them. */
const agreementCategoriesField = choiceList(
  dataCategories,
  'Select the categories of data the agreement shares',
  'Select categories from the list',
).superRefine((categories, context) => {
  if (categories.length > 0 && !categories.includes(minimumCategory))
    context.addIssue({ code: 'custom', message: 'Select status and reference: every agreement shares at least these' });
});

const money = (label: string) =>
  z
    .string()
    .optional()
    .default('')
    .transform((value, context) => {
      const parsed = parsePounds(value);
      if (parsed.ok) return parsed.pence;
      context.addIssue({
        code: 'custom',
        message:
          parsed.problem === 'too-large'
            ? `${label} must be £100,000,000,000 or less`
            : `${label} must be an amount of money, like £1,250.50`,
      });
      return 0;
    });

export const organisationSchema = z.object({
  name: visibleName(text('the organisation’s name', 200), 'The organisation’s name'),
  type: z.enum(partnerBodyTypes, { error: 'Select the type of organisation' }),
  emailDomain: z
    .string()
    .trim()
    .toLowerCase()
    .optional()
    .default('')
    .transform((value) => value.replace(/^@/, ''))
    .pipe(
      z
        .string()
        .max(253, 'Email domain must be 253 characters or fewer')
        .regex(
          /^$|^(?:[a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?\.)+[a-z]{2,63}$/,
          'Enter an email domain in the correct format, like citizensadvice.org.uk',
        ),
    )
    .transform((value) => value || null),
});

export const partnershipSchema = z.object({
  name: visibleName(text('the partnership’s name', 200), 'The partnership’s name'),
  kind: z.enum(partnershipKinds, { error: 'Select the kind of partnership' }),
  description: optionalText('Description', 2000),
});

export const memberSchema = z.object({
  organisationId: z.coerce
    .number({ error: 'Select an organisation' })
    .int()
    .positive('Select an organisation')
    .max(2_147_483_647, 'Select an organisation'),
});

const projectFields = z
  .object({
    name: visibleName(text('the project’s name', 200), 'The project’s name'),
    summary: optionalText('Summary', 4000),
    status: z.enum(projectStatuses, { error: 'Select the project’s status' }),
    startsOn: optionalDateField('Start date'),
    endsOn: optionalDateField('End date'),
    members: idList('Select organisations from the list'),
    expectedCashable: money('Cashable benefit expected'),
    expectedNonCashable: money('Non-cashable benefit expected'),
    expectedOther: optionalText('Other expected benefits', 4000),
    realisedCashable: money('Cashable benefit realised'),
    realisedNonCashable: money('Non-cashable benefit realised'),
    realisedOther: optionalText('Other realised benefits', 4000),
  })
  .refine((form) => !form.startsOn || !form.endsOn || form.endsOn >= form.startsOn, {
    path: ['endsOn'],
    message: 'End date must be the same as or after the start date',
    when: bothDates('startsOn', 'endsOn'),
  });

export const projectSchema = z.preprocess((body) => gatherDateInputs(body, ['startsOn', 'endsOn']), projectFields);
export type ProjectForm = z.infer<typeof projectFields>;
/** The fields in the order the page shows them, for the error summary. */
export const projectFieldOrder = Object.keys(projectFields.shape);

export const lessonSchema = z.object({
  outcome: z.enum(lessonOutcomes, { error: 'Select whether this worked or did not work' }),
  lesson: text('the lesson learned', 4000),
});

export const lessonFilterSchema = z.object({ outcome: z.enum(lessonOutcomes).optional().catch(undefined) });

const agreementFields = z
  .object({
    title: text('the agreement’s title', 200),
    parties: idList('Select organisations from the list').refine(
      (ids) => ids.length >= 2,
      'Select at least two organisations',
    ),
    purposeStatement: text('what the sharing is for', 200),
    purpose: z.enum(agreementPurposes, { error: 'Select what the agreement lets the parties share' }),
    coverage: z.enum(['all', 'chosen'], { error: 'Select whether the agreement covers all services' }),
    services: idList('Select services from the list'),
    categories: agreementCategoriesField,
    roles: choiceList(receivingRoles, 'Select the roles that may use the data', 'Select roles from the list'),
    relationship: z.enum(sharingRelationships, { error: 'Select the relationship test' }),
    validFrom: requiredDateField('Valid from date', 'Enter the date the agreement is valid from'),
    validTo: optionalDateField('Valid to date'),
  })
  .refine((form) => form.coverage !== 'chosen' || form.services.length > 0, {
    path: ['services'],
    message: 'Select at least one service',
    when: ({ value }) => isRecord(value) && value.coverage === 'chosen' && Array.isArray(value.services),
  })
  .refine((form) => !form.validTo || form.validTo >= form.validFrom, {
    path: ['validTo'],
    message: 'Valid to date must be the same as or after the valid from date',
    when: bothDates('validFrom', 'validTo'),
  })
  // Figures are shared without anyone's record; records are shared only on a relationship test.
  .refine((form) => form.purpose === 'insight' || form.relationship !== 'figures_only', {
    path: ['relationship'],
    message: 'Figures only is for insight agreements: choose client consent or caller verified',
    when: ({ value }) =>
      isRecord(value) &&
      value.relationship === 'figures_only' &&
      (value.purpose === 'cases' || value.purpose === 'recruitment'),
  })
  .refine((form) => form.purpose !== 'insight' || form.relationship === 'figures_only', {
    path: ['relationship'],
    message: 'An insight agreement shares figures only: choose figures only',
    when: ({ value }) =>
      isRecord(value) &&
      value.purpose === 'insight' &&
      (value.relationship === 'client_consent' || value.relationship === 'caller_verified'),
  });

export const agreementSchema = z.preprocess(
  (body) => gatherDateInputs(body, ['validFrom', 'validTo']),
  agreementFields,
);
export type AgreementForm = z.infer<typeof agreementFields>;
export const agreementFieldOrder = Object.keys(agreementFields.shape);

/** Where the error summary links for a date: its first box. */
export const fieldIds = {
  startsOn: 'startsOn-day',
  endsOn: 'endsOn-day',
  validFrom: 'validFrom-day',
  validTo: 'validTo-day',
};
