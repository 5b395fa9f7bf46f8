import { z } from 'zod';
import { single } from '../../../shared/form-values.js';

/**
 * The equality monitoring form: the Equality Act 2010's protected characteristics, each answer
 * optional and each with "Prefer not to say". Ethnic groups are the Office for National Statistics'
 * 2021 census categories for England and Wales. Stored in equality_monitoring as these codes.
 */
export const PREFER_NOT_TO_SAY = 'prefer_not_to_say';

export interface EqualityQuestion {
  /** The column of equality_monitoring. */
  field: Characteristic;
  /** What the report calls it. */
  name: string;
  question: string;
  hint?: string;
  options: { value: string; text: string }[];
}

export const characteristics = [
  'age_band',
  'disability',
  'gender_reassignment',
  'marriage_civil_partnership',
  'pregnancy_maternity',
  'ethnic_group',
  'religion_belief',
  'sex',
  'sexual_orientation',
] as const;
export type Characteristic = (typeof characteristics)[number];

const yesNo = [
  { value: 'yes', text: 'Yes' },
  { value: 'no', text: 'No' },
];

export const equalityQuestions: EqualityQuestion[] = [
  {
    field: 'age_band',
    name: 'Age',
    question: 'What is your age?',
    options: [
      { value: '16-24', text: '16 to 24' },
      { value: '25-34', text: '25 to 34' },
      { value: '35-44', text: '35 to 44' },
      { value: '45-54', text: '45 to 54' },
      { value: '55-64', text: '55 to 64' },
      { value: '65+', text: '65 or over' },
    ],
  },
  {
    field: 'disability',
    name: 'Disability',
    question: 'Do you consider yourself to have a disability?',
    hint: 'The Equality Act 2010 says you are disabled if you have a physical or mental condition that has a substantial and long-term effect on your ability to do normal daily activities.',
    options: yesNo,
  },
  {
    field: 'gender_reassignment',
    name: 'Gender reassignment',
    question: 'Is the gender you identify with the same as your sex registered at birth?',
    options: yesNo,
  },
  {
    field: 'marriage_civil_partnership',
    name: 'Marriage and civil partnership',
    question: 'Are you married or in a civil partnership?',
    options: [
      { value: 'married', text: 'Married' },
      { value: 'civil_partnership', text: 'In a civil partnership' },
      { value: 'neither', text: 'Neither' },
    ],
  },
  {
    field: 'pregnancy_maternity',
    name: 'Pregnancy and maternity',
    question: 'Are you pregnant, or have you been on maternity leave in the last 26 weeks?',
    options: yesNo,
  },
  {
    field: 'ethnic_group',
    name: 'Ethnic group',
    question: 'What is your ethnic group?',
    options: [
      { value: 'asian_bangladeshi', text: 'Asian or Asian British: Bangladeshi' },
      { value: 'asian_chinese', text: 'Asian or Asian British: Chinese' },
      { value: 'asian_indian', text: 'Asian or Asian British: Indian' },
      { value: 'asian_pakistani', text: 'Asian or Asian British: Pakistani' },
      { value: 'asian_other', text: 'Asian or Asian British: any other Asian background' },
      { value: 'black_african', text: 'Black, Black British, Caribbean or African: African' },
      { value: 'black_caribbean', text: 'Black, Black British, Caribbean or African: Caribbean' },
      { value: 'black_other', text: 'Black, Black British, Caribbean or African: any other Black background' },
      { value: 'mixed_white_asian', text: 'Mixed or multiple ethnic groups: White and Asian' },
      { value: 'mixed_white_black_african', text: 'Mixed or multiple ethnic groups: White and Black African' },
      { value: 'mixed_white_black_caribbean', text: 'Mixed or multiple ethnic groups: White and Black Caribbean' },
      { value: 'mixed_other', text: 'Mixed or multiple ethnic groups: any other mixed background' },
      { value: 'white_british', text: 'White: English, Welsh, Scottish, Northern Irish or British' },
      { value: 'white_irish', text: 'White: Irish' },
      { value: 'white_gypsy_traveller', text: 'White: Gypsy or Irish Traveller' },
      { value: 'white_roma', text: 'White: Roma' },
      { value: 'white_other', text: 'White: any other White background' },
      { value: 'other_arab', text: 'Other ethnic group: Arab' },
      { value: 'other_any', text: 'Other ethnic group: any other ethnic group' },
    ],
  },
  {
    field: 'religion_belief',
    name: 'Religion or belief',
    question: 'What is your religion or belief?',
    options: [
      { value: 'none', text: 'No religion' },
      { value: 'buddhist', text: 'Buddhist' },
      { value: 'christian', text: 'Christian' },
      { value: 'hindu', text: 'Hindu' },
      { value: 'jewish', text: 'Jewish' },
      { value: 'muslim', text: 'Muslim' },
      { value: 'sikh', text: 'Sikh' },
      { value: 'other', text: 'Any other religion or belief' },
    ],
  },
  {
    field: 'sex',
    name: 'Sex',
    question: 'What is your sex?',
    options: [
      { value: 'female', text: 'Female' },
      { value: 'male', text: 'Male' },
    ],
  },
  {
    field: 'sexual_orientation',
    name: 'Sexual orientation',
    question: 'Which of the following best describes your sexual orientation?',
    options: [
      { value: 'heterosexual', text: 'Straight or heterosexual' },
      { value: 'gay_lesbian', text: 'Gay or lesbian' },
      { value: 'bisexual', text: 'Bisexual' },
      { value: 'other', text: 'Another sexual orientation' },
    ],
  },
];

export const questionOf = (field: Characteristic) => equalityQuestions.find((question) => question.field === field)!;

/** The name of an answer, for reports and the applicant's own copy. */
export function answerName(field: Characteristic, value: string | null): string {
  if (value === null) return 'Not answered';
  if (value === PREFER_NOT_TO_SAY) return 'Prefer not to say';
  return questionOf(field).options.find((option) => option.value === value)?.text ?? value;
}

export type EqualityAnswers = Record<Characteristic, string | null>;

/** Every question optional: left unanswered is null; an answer must be one of its question's. */
export const equalitySchema = z.object(
  Object.fromEntries(
    equalityQuestions.map((question) => [
      question.field,
      z.preprocess(
        (value) => (single(value) === '' ? undefined : single(value)),
        z
          .enum([PREFER_NOT_TO_SAY, ...question.options.map((option) => option.value)] as [string, ...string[]], {
            error: `Select an answer to “${question.question}”, or leave it blank`,
          })
          .optional()
          .transform((value) => value ?? null),
      ),
    ]),
  ) as unknown as Record<Characteristic, z.ZodType<string | null>>,
);
