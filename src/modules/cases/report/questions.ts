import type { RawAnswers } from '../core/answers.js';
import type { Question } from '../catalogue/repository.js';

type FormFields = Record<string, string | string[] | undefined>;

/** Question codes are the catalogue's; prefixed, they cannot clash with the page's own fields. */
export const fieldName = (code: string) => `answer-${code}`;

/** Where the error summary sends focus for a question: its input, its first option, or the date's day. */
export const fieldId = (question: Question) => (question.datatype === 'datetime' ? `${fieldName(question.code)}-day` : fieldName(question.code));

const dateParts = ['day', 'month', 'year'] as const;

/** How the catalogue's question reads in a message: "Where is it?" → "Where is it". */
export function shortLabel(question: Question): string {
  return question.label.replace(/\?$/, '').replace(/ \(.*\)$/, '');
}

/** A GOV.UK date input's three boxes as YYYY-MM-DD, or why they are not a date. */
function dateFrom(question: Question, fields: FormFields): { value?: string; error?: string } {
  const parts = dateParts.map((part) => String([fields[`${fieldName(question.code)}-${part}`] ?? ''].flat()[0] ?? '').trim());
  if (parts.every((part) => part === '')) return {};
  const missing = dateParts.filter((_part, index) => parts[index] === '');
  if (missing.length > 0) return { error: `${shortLabel(question)} must include a ${missing.join(' and a ')}` };
  const [day, month, year] = parts.map(Number);
  const date = new Date(Date.UTC(year, month - 1, day));
  const real =
    parts.every((part) => /^\d+$/.test(part)) &&
    /^\d{4}$/.test(parts[2]) &&
    date.getUTCFullYear() === year &&
    date.getUTCMonth() === month - 1 &&
    date.getUTCDate() === day;
  if (!real) return { error: `${shortLabel(question)} must be a real date` };
  return { value: date.toISOString().slice(0, 10) };
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
export function questionFields(questions: Question[], fields: Record<string, string | string[]>, errors: Record<string, string> = {}) {
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
      items: question.options.map((option) => ({ value: option.key, text: option.name, checked: chosen.includes(option.key) })),
      dateValues: { day: fields[`${name}-day`], month: fields[`${name}-month`], year: fields[`${name}-year`] },
      error: errors[question.code] ? { text: errors[question.code] } : undefined,
    };
  });
}
