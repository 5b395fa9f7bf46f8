import type { Question } from '../catalogue/repository.js';
import { isRealDay } from '../../../shared/date-input.js';

export type RawAnswers = Record<string, string | string[] | undefined>;
export type Answers = Record<string, string | number | string[]>;

export type AnswersCheck = { valid: true; answers: Answers } | { valid: false; errors: Record<string, string> };

const MAX_STRING = 200;

/** A date (optionally with a time) that exists: 2026-02-31 does not, though Date.parse rolls it on. */
function isRealDate(value: string): boolean {
  const match = /^(\d{4})-(\d{2})-(\d{2})(T.*)?$/.exec(value);
  if (!match || Number.isNaN(Date.parse(value))) return false;
  return isRealDay(Number(match[1]), Number(match[2]), Number(match[3]));
}
const MAX_TEXT = 2000;

/**
 * Checks a request type's extra questions, whatever channel the answers came through (a form,
 * Open311's attribute[code], a member of staff). Gives the typed answers, or a message per question.
 */
export function checkAnswers(questions: Question[], raw: RawAnswers): AnswersCheck {
  const answers: Answers = {};
  const errors: Record<string, string> = {};
  for (const question of questions) {
    const values = [raw[question.code] ?? []]
      .flat()
      .map((value) => value.trim())
      .filter(Boolean);
    const label = question.label.replace(/\?$/, '').replace(/ \(.*\)$/, '');
    if (values.length === 0) {
      if (question.required)
        errors[question.code] = question.datatype.endsWith('list')
          ? `Select ${label.toLowerCase()}`
          : `Enter ${label.toLowerCase()}`;
      continue;
    }
    const keys = question.options.map((option) => option.key);
    switch (question.datatype) {
      case 'string':
      case 'text': {
        const limit = question.datatype === 'string' ? MAX_STRING : MAX_TEXT;
        if (values[0].length > limit) errors[question.code] = `${label} must be ${limit} characters or fewer`;
        else answers[question.code] = values[0];
        break;
      }
      case 'number': {
        if (!/^-?\d+(\.\d+)?$/.test(values[0])) errors[question.code] = `${label} must be a number`;
        else answers[question.code] = Number(values[0]);
        break;
      }
      case 'datetime': {
        if (!isRealDate(values[0])) errors[question.code] = `${label} must be a real date, like 2026-11-26`;
        else answers[question.code] = values[0];
        break;
      }
      case 'singlevaluelist': {
        if (values.length > 1 || !keys.includes(values[0]))
          errors[question.code] = `Select ${label.toLowerCase()} from the list`;
        else answers[question.code] = values[0];
        break;
      }
      case 'multivaluelist': {
        if (!values.every((value) => keys.includes(value)))
          errors[question.code] = `Select ${label.toLowerCase()} from the list`;
        else answers[question.code] = [...new Set(values)];
        break;
      }
    }
  }
  return Object.keys(errors).length > 0 ? { valid: false, errors } : { valid: true, answers };
}

/** The answers as people read them: the option names, not their keys. */
export function describeAnswers(questions: Question[], answers: Answers): { question: string; answer: string }[] {
  return questions
    .filter((question) => answers[question.code] !== undefined)
    .map((question) => {
      const value = answers[question.code];
      const name = (key: string) => question.options.find((option) => option.key === key)?.name ?? key;
      const answer = Array.isArray(value)
        ? value.map(name).join(', ')
        : question.datatype === 'singlevaluelist'
          ? name(String(value))
          : String(value);
      return { question: question.label, answer };
    });
}
