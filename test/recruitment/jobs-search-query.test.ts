import { describe, expect, it } from 'vitest';
import { hoursText, salaryText, scriptSafeJson } from '../../src/modules/recruitment/jobs/presenters.js';
import {
  describeSearch,
  effectiveSort,
  jobSearchSchema,
  searchFrom,
  searchFromQueryString,
  searchQueryString,
} from '../../src/modules/recruitment/jobs/search-query.js';

/** The search's one reading of a query string, and its one way of writing it back (what an alert keeps). */
const read = (query: Record<string, unknown>) => searchFrom(jobSearchSchema.parse(query));

describe('reading a search', () => {
  it('normalises the postcode, reads "£25,000" as pounds, and drops empty fields', () => {
    expect(read({ q: '  park  ranger ', postcode: 'de43ag', salary: '£25,000', hours: 'any', contract: '' })).toEqual({
      keywords: 'park  ranger',
      employerId: undefined,
      postcode: 'DE4 3AG',
      miles: 10,
      minimumSalaryPounds: 25000,
      pattern: undefined,
      contracts: [],
      closingSoon: false,
    });
  });

  it('writes one query string for one search, whatever order its fields came in', () => {
    const one = read({ contract: ['temporary', 'permanent'], q: 'cook', postcode: 'DE4 3AG', distance: '5' });
    const other = read({ distance: '5', postcode: 'de4 3ag', q: 'cook', contract: ['permanent', 'temporary'] });
    expect(searchQueryString(one)).toBe('q=cook&postcode=DE4+3AG&distance=5&contract=permanent&contract=temporary');
    expect(searchQueryString(other)).toBe(searchQueryString(one));
    expect(searchFromQueryString(searchQueryString(one))).toEqual(one);
    expect(searchQueryString(read({}))).toBe('');
  });

  it('reads a kept query string that no longer makes sense as no search', () => {
    expect(searchFromQueryString('salary=lots')).toBeUndefined();
    expect(searchFromQueryString('contract=forever')).toBeUndefined();
  });

  it('sorts by relevance only with keywords, by distance only with a postcode', () => {
    expect(effectiveSort(read({}), undefined)).toBe('closing');
    expect(effectiveSort(read({ q: 'cook' }), undefined)).toBe('relevance');
    expect(effectiveSort(read({}), 'relevance')).toBe('closing');
    expect(effectiveSort(read({}), 'distance')).toBe('closing');
    expect(effectiveSort(read({ postcode: 'DE4 3AG' }), 'distance')).toBe('distance');
    expect(effectiveSort(read({ q: 'cook' }), 'newest')).toBe('newest');
  });

  it('says a search in words', () => {
    expect(
      describeSearch(
        read({
          q: 'cook',
          postcode: 'DE4 3AG',
          distance: '1',
          salary: '20000',
          hours: 'part_time',
          contract: ['casual', 'permanent', 'temporary'],
          closing: 'soon',
          employer: '7',
        }),
        'Derbyshire Dales District Council',
      ),
    ).toBe(
      'Jobs matching “cook”, within 1 mile of DE4 3AG, at Derbyshire Dales District Council, paying at least £20,000 a year, part time, permanent, temporary or casual, closing within 7 days',
    );
    expect(describeSearch(read({}))).toBe('All jobs');
  });
});

describe('showing a vacancy', () => {
  it('writes salaries as GOV.UK does', () => {
    expect(salaryText({ salary_min_pence: 2_400_000, salary_max_pence: 2_750_000, salary_period: 'annual' })).toBe(
      '£24,000 to £27,500 a year',
    );
    expect(salaryText({ salary_min_pence: 1250, salary_max_pence: null, salary_period: 'hourly' })).toBe(
      '£12.50 an hour',
    );
    expect(salaryText({ salary_min_pence: 1250, salary_max_pence: 1400, salary_period: 'hourly' })).toBe(
      '£12.50 to £14.00 an hour',
    );
    expect(salaryText({ salary_min_pence: 2_400_050, salary_max_pence: 2_400_050, salary_period: 'annual' })).toBe(
      '£24,000.50 a year',
    );
    expect(salaryText({ salary_min_pence: null, salary_max_pence: null, salary_period: 'annual' })).toBeNull();
    expect(hoursText('18.5', 'part_time')).toBe('18.5 hours a week, part time');
    expect(hoursText(null, 'full_time')).toBe('Full time');
  });

  it('writes JSON that no text can break out of a script element with', () => {
    const text = '</script><!-- & \u2028';
    const json = scriptSafeJson({ text });
    expect(json).not.toMatch(/[<>&\u2028]/);
    expect(JSON.parse(json)).toEqual({ text });
  });
});
