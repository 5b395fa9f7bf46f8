import { describe, expect, it } from 'vitest';
import { checkAnswers, describeAnswers } from './answers.js';
import type { Question } from '../catalogue/repository.js';

const question = (
  code: string,
  datatype: Question['datatype'],
  required = true,
  options: [string, string][] = [],
): Question => ({
  id: 1,
  code,
  label: `The ${code}?`,
  hint: '',
  datatype,
  required,
  options: options.map(([key, name]) => ({ key, name })),
});

const questions = [
  question('depth', 'number', false),
  question('where', 'singlevaluelist', true, [
    ['road', 'In the road'],
    ['pavement', 'On the pavement'],
  ]),
  question('bins', 'multivaluelist', true, [
    ['general', 'General'],
    ['recycling', 'Recycling'],
  ]),
  question('when', 'datetime', false),
  question('notes', 'text', false),
];

describe('checkAnswers', () => {
  it('accepts answers of every datatype and types them', () => {
    const check = checkAnswers(questions, {
      depth: '12.5',
      where: 'road',
      bins: ['general', 'recycling', 'general'],
      when: '2026-11-20',
      notes: ' deep ',
    });
    expect(check).toEqual({
      valid: true,
      answers: { depth: 12.5, where: 'road', bins: ['general', 'recycling'], when: '2026-11-20', notes: 'deep' },
    });
  });

  it('names each unanswered required question and each bad answer', () => {
    const check = checkAnswers(questions, { depth: 'deep', where: 'sky', bins: [], when: 'yesterday' });
    expect(check).toEqual({
      valid: false,
      errors: {
        depth: 'The depth must be a number',
        where: 'Select the where from the list',
        bins: 'Select the bins',
        when: 'The when must be a real date, like 2026-11-26',
      },
    });
  });

  it('refuses a date that does not exist', () => {
    expect(checkAnswers(questions, { where: 'road', bins: 'general', when: '2026-02-31' })).toEqual({
      valid: false,
      errors: { when: 'The when must be a real date, like 2026-11-26' },
    });
    expect(checkAnswers(questions, { where: 'road', bins: 'general', when: '2028-02-29T10:00:00Z' }).valid).toBe(true);
  });

  it('leaves out optional questions left blank', () => {
    expect(checkAnswers(questions, { where: 'pavement', bins: 'general' })).toEqual({
      valid: true,
      answers: { where: 'pavement', bins: ['general'] },
    });
  });
});

describe('describeAnswers', () => {
  it('shows option names', () => {
    expect(describeAnswers(questions, { where: 'road', bins: ['general', 'recycling'] })).toEqual([
      { question: 'The where?', answer: 'In the road' },
      { question: 'The bins?', answer: 'General, Recycling' },
    ]);
  });
});
