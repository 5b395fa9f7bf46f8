import { describe, expect, it } from 'vitest';
import { dayInEngland as ukDate } from '../src/shared/dates.js';
import { formatPence, parsePounds, penceForInput } from '../src/modules/partnership/money.js';
import { firstFreeSlug, slugify } from '../src/modules/partnership/rules.js';
import { agreementSchema, organisationSchema, projectSchema } from '../src/modules/partnership/schemas.js';

describe('money', () => {
  it.each([
    ['£1,250.50', 125050],
    ['1250.5', 125050],
    [' £ 1,250 ', 125000],
    ['0.07', 7],
    ['1,000,000', 100_000_000],
    ['', 0],
  ])('reads %j as %i pence', (input, pence) => {
    expect(parsePounds(input)).toEqual({ ok: true, pence });
  });

  it.each(['12,50', '1.234', '-5', 'ten pounds', '£', '1,2345', '£1.2.3'])('refuses %j', (input) => {
    expect(parsePounds(input)).toEqual({ ok: false, problem: 'format' });
  });

  it('refuses more than £100 billion', () => {
    expect(parsePounds('100,000,000,000.01')).toEqual({ ok: false, problem: 'too-large' });
    expect(parsePounds('100000000000')).toEqual({ ok: true, pence: 10_000_000_000_000 });
  });

  it('writes pounds as the style guide does', () => {
    expect(formatPence(125050)).toBe('£1,250.50');
    expect(formatPence(125000)).toBe('£1,250');
    expect(formatPence(7)).toBe('£0.07');
    expect(formatPence(0)).toBe('£0');
    expect(penceForInput(125050)).toBe('1250.50');
    expect(penceForInput(0)).toBe('');
  });
});

describe('GOV.UK dates', () => {
  const project = (dates: Record<string, string>) =>
    projectSchema.safeParse({ name: 'A project', status: 'proposed', ...dates });
  const messages = (result: ReturnType<typeof project>) =>
    result.success ? [] : result.error.issues.map((issue) => `${String(issue.path[0])}: ${issue.message}`);

  it('gathers day, month and year into one date', () => {
    const result = project({
      'startsOn-day': '1',
      'startsOn-month': '4',
      'startsOn-year': '2025',
      'endsOn-day': '31',
      'endsOn-month': '03',
      'endsOn-year': '2026',
    });
    expect(result.success && [result.data.startsOn, result.data.endsOn]).toEqual(['2025-04-01', '2026-03-31']);
  });

  it('leaves optional dates empty', () => {
    const result = project({});
    expect(result.success && [result.data.startsOn, result.data.endsOn]).toEqual([null, null]);
  });

  it('names the missing part, a date that does not exist, and a short year', () => {
    expect(messages(project({ 'startsOn-day': '1', 'startsOn-year': '2025' }))).toEqual([
      'startsOn: Start date must include a month',
    ]);
    expect(messages(project({ 'startsOn-year': '2025' }))).toEqual([
      'startsOn: Start date must include a day and month',
    ]);
    expect(messages(project({ 'startsOn-day': '31', 'startsOn-month': '2', 'startsOn-year': '2025' }))).toEqual([
      'startsOn: Start date must be a real date',
    ]);
    expect(messages(project({ 'startsOn-day': 'x', 'startsOn-month': '2', 'startsOn-year': '2025' }))).toEqual([
      'startsOn: Start date must be a real date',
    ]);
    expect(messages(project({ 'startsOn-day': '1', 'startsOn-month': '2', 'startsOn-year': '25' }))).toEqual([
      'startsOn: Year must include 4 numbers',
    ]);
  });

  it('refuses an end before the start, and allows the same day', () => {
    const dates = {
      'startsOn-day': '2',
      'startsOn-month': '4',
      'startsOn-year': '2025',
      'endsOn-day': '1',
      'endsOn-month': '4',
      'endsOn-year': '2025',
    };
    expect(messages(project(dates))).toEqual(['endsOn: End date must be the same as or after the start date']);
    expect(project({ ...dates, 'endsOn-day': '2' }).success).toBe(true);
  });

  it('checks the order of the dates even when other fields have failed, so every problem shows at once', () => {
    const dates = {
      'startsOn-day': '2',
      'startsOn-month': '4',
      'startsOn-year': '2025',
      'endsOn-day': '1',
      'endsOn-month': '4',
      'endsOn-year': '2025',
    };
    expect(messages(projectSchema.safeParse({ name: '', status: 'unknown', ...dates }))).toEqual([
      'name: Enter the project’s name',
      'status: Select the project’s status',
      'endsOn: End date must be the same as or after the start date',
    ]);
  });

  it('requires the date an agreement is valid from', () => {
    const result = agreementSchema.safeParse({
      title: 'T',
      parties: ['1', '2'],
      purposeStatement: 'Contact centre enquiries',
      purpose: 'cases',
      coverage: 'all',
      categories: ['status_reference'],
      roles: ['contact_centre_agent'],
      relationship: 'caller_verified',
    });
    expect(result.success ? [] : result.error.issues.map((issue) => issue.message)).toEqual([
      'Enter the date the agreement is valid from',
    ]);
  });

  it('reads today in UK time', () => {
    expect(ukDate(new Date('2025-06-30T23:30:00Z'))).toBe('2025-07-01');
    expect(ukDate(new Date('2025-12-31T23:30:00Z'))).toBe('2025-12-31');
  });
});

describe('organisation form', () => {
  it('keeps an email domain in lower case without its @', () => {
    const result = organisationSchema.safeParse({
      name: 'Citizens Advice',
      type: 'advice_agency',
      emailDomain: ' @CitizensAdvice.org.uk ',
    });
    expect(result.success && result.data.emailDomain).toBe('citizensadvice.org.uk');
  });

  it('stores no domain when none is given, and refuses one that is not a domain', () => {
    const empty = organisationSchema.safeParse({ name: 'Citizens Advice', type: 'advice_agency', emailDomain: '' });
    expect(empty.success && empty.data.emailDomain).toBeNull();
    expect(
      organisationSchema.safeParse({ name: 'Citizens Advice', type: 'advice_agency', emailDomain: 'not a domain' })
        .success,
    ).toBe(false);
  });

  it('refuses "council": councils come from the data', () => {
    expect(organisationSchema.safeParse({ name: 'New Council', type: 'council' }).success).toBe(false);
  });
});

describe('slugs', () => {
  it('makes readable slugs and numbers clashes', () => {
    expect(slugify('Citizens Advice – Derbyshire Districts & Derby')).toBe(
      'citizens-advice-derbyshire-districts-and-derby',
    );
    expect(slugify('Café Ëxample')).toBe('cafe-example');
    expect(slugify('***')).toBe('unnamed');
    expect(firstFreeSlug('ca', new Set(['ca', 'ca-2']))).toBe('ca-3');
    expect(firstFreeSlug('ca', new Set(['ca-2']))).toBe('ca');
  });
});
