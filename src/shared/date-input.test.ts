import { describe, expect, it } from 'vitest';
import {
  dateInputValues,
  dateInputWording,
  gatherDateInputs,
  isRealDay,
  parseDateInput,
  readDateInput,
} from './date-input.js';

const wording = dateInputWording('Start date');
const parse = (day: string, month: string, year: string) => parseDateInput({ day, month, year }, wording);

describe('parseDateInput', () => {
  it('gives the day as YYYY-MM-DD, whatever the spaces and leading zeros', () => {
    expect(parse('5', '3', '2026')).toEqual({ value: '2026-03-05' });
    expect(parse(' 05 ', '03', ' 2026')).toEqual({ value: '2026-03-05' });
  });

  it('gives no date when every box is empty', () => {
    expect(parse('', ' ', '')).toEqual({ value: null });
  });

  it('names the boxes left empty', () => {
    expect(parse('5', '', '')).toEqual({ error: 'Start date must include a month and year', parts: ['month', 'year'] });
    expect(parse('', '3', '2026')).toEqual({ error: 'Start date must include a day', parts: ['day'] });
  });

  it('marks the boxes that are not numbers', () => {
    expect(parse('5', 'March', '2026')).toEqual({ error: 'Start date must be a real date', parts: ['month'] });
    expect(parse('x', '3', '2026y')).toEqual({ error: 'Start date must be a real date', parts: ['day', 'year'] });
  });

  it('asks for a four-figure year', () => {
    expect(parse('5', '3', '26')).toEqual({ error: 'Start date year must include 4 numbers', parts: ['year'] });
  });

  it('refuses a month or a day that does not exist', () => {
    expect(parse('5', '13', '2026')).toEqual({ error: 'Start date must be a real date', parts: ['month'] });
    expect(parse('31', '2', '2026')).toEqual({ error: 'Start date must be a real date', parts: ['day'] });
    expect(parse('0', '2', '2026')).toEqual({ error: 'Start date must be a real date', parts: ['day'] });
    expect(parse('29', '2', '2027')).toEqual({ error: 'Start date must be a real date', parts: ['day'] });
    expect(parse('29', '2', '2028')).toEqual({ value: '2028-02-29' });
  });

  it('says what the caller asks it to', () => {
    const own = {
      missing: (parts: string[]) => `When must include a ${parts.join(' and a ')}`,
      notReal: 'When must be a real date',
      yearDigits: 'Year must include 4 numbers',
    };
    expect(parseDateInput({ day: '1', month: '', year: '' }, own)).toMatchObject({
      error: 'When must include a month and a year',
    });
    expect(parseDateInput({ day: '1', month: '1', year: '26' }, own)).toMatchObject({
      error: 'Year must include 4 numbers',
    });
  });
});

describe('isRealDay', () => {
  it('knows the lengths of months and leap years', () => {
    expect(isRealDay(2026, 4, 30)).toBe(true);
    expect(isRealDay(2026, 4, 31)).toBe(false);
    expect(isRealDay(2000, 2, 29)).toBe(true);
    expect(isRealDay(1900, 2, 29)).toBe(false);
    expect(isRealDay(2026, 0, 1)).toBe(false);
  });

  it('reads the years before 100 as themselves, not as 1900 to 1999', () => {
    expect(isRealDay(4, 2, 29)).toBe(true);
    expect(isRealDay(1904, 2, 29)).toBe(true);
    expect(isRealDay(0, 2, 29)).toBe(true);
  });
});

describe('reading and refilling the boxes', () => {
  it('reads the three fields of a form, the first of a repeated one', () => {
    expect(readDateInput({ 'from-day': '1', 'from-month': ['2', '3'], other: 'x' }, 'from')).toEqual({
      day: '1',
      month: '2',
      year: '',
    });
  });

  it('gathers each date of a form into one value', () => {
    expect(
      gatherDateInputs({ name: 'A', 'endsOn-day': '9', 'endsOn-month': '1', 'endsOn-year': '2027' }, ['endsOn']),
    ).toMatchObject({
      name: 'A',
      endsOn: { day: '9', month: '1', year: '2027' },
    });
  });

  it('fills the boxes again from a saved day, or leaves them empty', () => {
    expect(dateInputValues('startsOn', '2026-03-05')).toEqual({
      'startsOn-day': '5',
      'startsOn-month': '3',
      'startsOn-year': '2026',
    });
    expect(dateInputValues('startsOn', null)).toEqual({
      'startsOn-day': '',
      'startsOn-month': '',
      'startsOn-year': '',
    });
  });
});
