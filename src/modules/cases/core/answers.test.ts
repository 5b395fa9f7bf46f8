import { describe, expect, it } from 'vitest';
import { checkAnswers, describeAnswers } from './answers.js';
import type { Question } from '../catalogue/repository.js';

const question = (
  code: string,
  label: string,
  datatype: Question['datatype'],
  more: Partial<Question> = {},
  options: [string, string][] = [],
): Question => ({
  id: 1,
  code,
  label,
  hint: '',
  datatype,
  required: false,
  errorMessage: '',
  dates: null,
  options: options.map(([key, name]) => ({ key, name })),
  ...more,
});

const today = '2026-11-26';

const questions = [
  question('depth', 'Roughly how deep is it, in centimetres?', 'number'),
  question(
    'where',
    'Where is it?',
    'singlevaluelist',
    { required: true, errorMessage: 'Select where the pothole is' },
    [
      ['road', 'In the road'],
      ['pavement', 'On the pavement'],
    ],
  ),
  question('bins', 'Which bins were missed?', 'multivaluelist', { required: true }, [
    ['general', 'General'],
    ['recycling', 'Recycling'],
  ]),
  question('when', 'When should it have been collected?', 'datetime', { dates: 'past' }),
  question('notes', 'When does it happen?', 'text'),
];

describe('checkAnswers', () => {
  it('accepts answers of every datatype and types them', () => {
    const check = checkAnswers(
      questions,
      { depth: '12.5', where: 'road', bins: ['general', 'recycling', 'general'], when: '2026-11-20', notes: ' deep ' },
      today,
    );
    expect(check).toEqual({
      valid: true,
      answers: { depth: 12.5, where: 'road', bins: ['general', 'recycling'], when: '2026-11-20', notes: 'deep' },
    });
  });

  it('says what to do for each unanswered question and bad answer, never splicing the question into a sentence', () => {
    const check = checkAnswers(questions, { depth: 'deep', where: 'sky', bins: [], when: 'yesterday' }, today);
    expect(check).toEqual({
      valid: false,
      errors: {
        depth: 'Your answer must be a number, like 5',
        where: 'Select one of the options',
        bins: 'Select an answer to “Which bins were missed?”',
        when: 'The date must be a real date, like 2026-11-26',
      },
    });
    // The question's own message, where the catalogue gives one.
    expect(checkAnswers(questions, { bins: 'general' }, today)).toEqual({
      valid: false,
      errors: { where: 'Select where the pothole is' },
    });
  });

  it('refuses a date that does not exist', () => {
    expect(checkAnswers(questions, { where: 'road', bins: 'general', when: '2026-02-31' }, today)).toEqual({
      valid: false,
      errors: { when: 'The date must be a real date, like 2026-11-26' },
    });
  });

  it('keeps a date question to the dates that make sense for it', () => {
    const answer = (when: string, dates: Question['dates']) =>
      checkAnswers([question('when', 'When?', 'datetime', { dates })], { when }, today);
    // A collection that should have happened: today or before, never next week.
    expect(answer('2026-11-26', 'past').valid).toBe(true);
    expect(answer('2026-11-27', 'past')).toEqual({
      valid: false,
      errors: { when: 'The date must be today or in the past' },
    });
    expect(answer('2026-11-25', 'future')).toEqual({
      valid: false,
      errors: { when: 'The date must be today or in the future' },
    });
    expect(answer('2026-11-26T10:00:00Z', 'future').valid).toBe(true);
    // A question that says nothing takes any real date.
    expect(answer('2028-02-29T10:00:00Z', null).valid).toBe(true);
    expect(answer('2020-01-01', null).valid).toBe(true);
  });

  it('refuses an answer that is too long, in words that fit any question', () => {
    expect(checkAnswers(questions, { where: 'road', bins: 'general', notes: 'x'.repeat(2001) }, today)).toEqual({
      valid: false,
      errors: { notes: 'Your answer must be 2000 characters or fewer' },
    });
  });

  it('leaves out optional questions left blank', () => {
    expect(checkAnswers(questions, { where: 'pavement', bins: 'general' }, today)).toEqual({
      valid: true,
      answers: { where: 'pavement', bins: ['general'] },
    });
  });
});

describe('describeAnswers', () => {
  it('shows option names', () => {
    expect(describeAnswers(questions, { where: 'road', bins: ['general', 'recycling'] })).toEqual([
      { question: 'Where is it?', answer: 'In the road' },
      { question: 'Which bins were missed?', answer: 'General, Recycling' },
    ]);
  });
});
