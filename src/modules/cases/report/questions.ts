import type { RawAnswers } from '../core/answers.js';
import type { Question } from '../catalogue/repository.js';
import { dateParts, parseDateInput, readDateInput, type DatePart } from '../../../shared/date-input.js';

type FormFields = Record<string, string | string[] | undefined>;

/** Question codes are the catalogue's; prefixed, they cannot clash with the page's own fields. */
export const fieldName = (code: string) => `answer-${code}`;

/** Where the error summary sends focus for a question: its input, its first option, or the date's day. */
export const fieldId = (question: Question) =>
  question.datatype === 'datetime' ? `${fieldName(question.code)}-day` : fieldName(question.code);

/** How the catalogue's question reads in a message: "Where is it?" → "Where is it". */
export function shortLabel(question: Question): string {
  return question.label.replace(/\?$/, '').replace(/ \(.*\)$/, '');
}

/** A GOV.UK date input's three boxes as YYYY-MM-DD, or why they are not a date. */
function dateFrom(question: Question, fields: FormFields): { value?: string; error?: string } {
  // "The date": the message sits under the question, whose words would not fit a sentence
  // ("When should it have been collected must include a month"). A short year is not a real date.
  const wording = {
    missing: (parts: DatePart[]) => `The date must include a ${parts.join(' and a ')}`,
    notReal: 'The date must be a real date',
    yearDigits: 'The date must be a real date',
  };
  const result = parseDateInput(readDateInput(fields, fieldName(question.code)), wording);
  if ('error' in result) return { error: result.error };
  return result.value === null ? {} : { value: result.value };
}

/**
 * Reads the questions' answers from the posted form: what was typed (to show again) and the answers
 * for `checkAnswers`. Dates come as three boxes; one that is not a real date is an error here already,
 * since `checkAnswers` would let 31 February through as 3 March.
 */
export function readAnswers(questions: Question[], body: FormFields) {
  const fields: Record<string, string | string[]> = {};
  const answers: RawAnswers = {};
  const errors: Record<string, string> = {};
  for (const question of questions) {
    const name = fieldName(question.code);
    if (question.datatype === 'datetime') {
      for (const part of dateParts) fields[`${name}-${part}`] = String([body[`${name}-${part}`] ?? ''].flat()[0] ?? '');
      const date = dateFrom(question, body);
      if (date.error) errors[question.code] = date.error;
      else answers[question.code] = date.value;
      continue;
    }
    const raw = body[name];
    if (raw === undefined) continue;
    const values = [raw].flat().map(String);
    fields[name] = question.datatype === 'multivaluelist' ? values : (values[0] ?? '');
    answers[question.code] = question.datatype === 'multivaluelist' ? values : values[0];
  }
  return { fields, answers, errors };
}

export type QuestionControl = 'input' | 'number' | 'textarea' | 'date' | 'radios' | 'checkboxes';

const controls: Record<Question['datatype'], QuestionControl> = {
  string: 'input',
  number: 'number',
  text: 'textarea',
  datetime: 'date',
  singlevaluelist: 'radios',
  multivaluelist: 'checkboxes',
};

/** One question as the page draws it: which GOV.UK component, its name, what was typed, its error. */
export function questionFields(
  questions: Question[],
  fields: Record<string, string | string[]>,
  errors: Record<string, string> = {},
) {
  return questions.map((question) => {
    const name = fieldName(question.code);
    const value = fields[name];
    const chosen = [value ?? []].flat();
    return {
      control: controls[question.datatype],
      name,
      id: name,
      // "(if you know it)" already says a question is optional.
      label: question.required || question.label.includes('(') ? question.label : `${question.label} (optional)`,
      hint: question.hint || undefined,
      value: typeof value === 'string' ? value : undefined,
      items: question.options.map((option) => ({
        value: option.key,
        text: option.name,
        checked: chosen.includes(option.key),
      })),
      dateValues: { day: fields[`${name}-day`], month: fields[`${name}-month`], year: fields[`${name}-year`] },
      error: errors[question.code] ? { text: errors[question.code] } : undefined,
    };
  });
}
