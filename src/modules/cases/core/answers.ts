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

/** What to say when a required question is left out: its own message, or one that fits any question. */
function unansweredMessage(question: Question): string {
  if (question.errorMessage) return question.errorMessage;
  return question.datatype.endsWith('list')
    ? `Select an answer to “${question.label}”`
    : `Answer the question “${question.label}”`;
}

/** Why a real date is outside the question's range, if it is. A date-time is judged by the day written. */
function outOfRange(question: Question, value: string, today: string): string | null {
  const day = value.slice(0, 10);
  if (question.dates === 'past' && day > today) return 'The date must be today or in the past';
  if (question.dates === 'future' && day < today) return 'The date must be today or in the future';
  return null;
}

/**
 * Checks a request type's extra questions, whatever channel the answers came through (a form,
 * Open311's attribute[code], a member of staff). Gives the typed answers, or a message per question.
 * `today` is the day in England, 'YYYY-MM-DD', for questions that take only past or future dates.
 * The messages sit beside the question they are about, so none repeats the question's words.
 */
export function checkAnswers(questions: Question[], raw: RawAnswers, today: string): AnswersCheck {
  const answers: Answers = {};
  const errors: Record<string, string> = {};
  for (const question of questions) {
    const values = [raw[question.code] ?? []]
      .flat()
      .map((value) => value.trim())
      .filter(Boolean);
    if (values.length === 0) {
      if (question.required) errors[question.code] = unansweredMessage(question);
      continue;
    }
    const keys = question.options.map((option) => option.key);
    switch (question.datatype) {
      case 'string':
      case 'text': {
        const limit = question.datatype === 'string' ? MAX_STRING : MAX_TEXT;
        if (values[0].length > limit) errors[question.code] = `Your answer must be ${limit} characters or fewer`;
        else answers[question.code] = values[0];
        break;
      }
      case 'number': {
        if (!/^-?\d+(\.\d+)?$/.test(values[0])) errors[question.code] = 'Your answer must be a number, like 5';
        else answers[question.code] = Number(values[0]);
        break;
      }
      case 'datetime': {
        const problem = isRealDate(values[0])
          ? outOfRange(question, values[0], today)
          : 'The date must be a real date, like 2026-11-26';
        if (problem) errors[question.code] = problem;
        else answers[question.code] = values[0];
        break;
      }
      case 'singlevaluelist': {
        if (values.length > 1 || !keys.includes(values[0])) errors[question.code] = 'Select one of the options';
        else answers[question.code] = values[0];
        break;
      }
      case 'multivaluelist': {
        if (!values.every((value) => keys.includes(value))) errors[question.code] = 'Select only the options given';
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
