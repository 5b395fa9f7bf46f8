import type { ContractType, SalaryPeriod, WorkingPattern } from '../../../db/schema.js';
import { formatDateTime } from '../../../shared/dates.js';
import { recruitmentPaths } from '../paths.js';
import type { VacancyRecord, VacancySummary } from './repository.js';
import { contractTypeNames, workingPatternNames } from './search-query.js';

const wholePounds = new Intl.NumberFormat('en-GB', { style: 'currency', currency: 'GBP', maximumFractionDigits: 0 });
const pence = new Intl.NumberFormat('en-GB', { style: 'currency', currency: 'GBP', minimumFractionDigits: 2 });

/** £24,000 or £24,000.50 a year; an hourly rate always with its pence (£12.50). */
function money(amountPence: number, period: SalaryPeriod): string {
  const pounds = amountPence / 100;
  return period === 'annual' && amountPence % 100 === 0 ? wholePounds.format(pounds) : pence.format(pounds);
}

interface Salary {
  salary_min_pence: number | null;
  salary_max_pence: number | null;
  salary_period: SalaryPeriod;
}

/** "£24,000 to £27,500 a year", "£12.50 an hour"; null when the advert gives no figure. */
export function salaryText({ salary_min_pence: min, salary_max_pence: max, salary_period: period }: Salary) {
  const unit = period === 'hourly' ? 'an hour' : 'a year';
  if (min !== null && max !== null && max !== min) return `${money(min, period)} to ${money(max, period)} ${unit}`;
  const only = min ?? max;
  return only === null ? null : `${money(only, period)} ${unit}`;
}

/** "37 hours a week, full time"; the pattern alone when the hours are not given. */
export function hoursText(hoursPerWeek: string | number | null, pattern: WorkingPattern): string {
  const name = workingPatternNames[pattern];
  if (hoursPerWeek === null) return name;
  const hours = Number(hoursPerWeek);
  return `${hours} ${hours === 1 ? 'hour' : 'hours'} a week, ${name.toLowerCase()}`;
}

export function contractText(contract: ContractType): string {
  return contractTypeNames[contract];
}

export function locationText(vacancy: { location_name: string; postcode: string | null }): string {
  return [vacancy.location_name, vacancy.postcode].filter(Boolean).join(', ') || 'Not given';
}

/** "2.3 miles away", to one decimal place under 10 miles. */
export function distanceText(miles: number): string {
  const shown = miles < 10 ? Math.round(miles * 10) / 10 : Math.round(miles);
  return `${shown} ${shown === 1 ? 'mile' : 'miles'} away`;
}

/** One result of the search, as the page lists it. */
export function resultItem(vacancy: VacancySummary) {
  return {
    title: vacancy.title,
    href: recruitmentPaths.job({ slug: vacancy.slug }),
    employer: vacancy.employer,
    location: locationText(vacancy),
    salary: salaryText(vacancy),
    grade: vacancy.grade,
    hours: hoursText(vacancy.hours_per_week, vacancy.working_pattern),
    contract: contractText(vacancy.contract_type),
    closes: formatDateTime(vacancy.closes_at),
    distance: vacancy.distance_miles === null ? null : distanceText(vacancy.distance_miles),
  };
}

/** A description typed as plain text, as its paragraphs (a blank line between two). */
export function paragraphs(text: string): string[] {
  return text
    .split(/\r?\n\s*\r?\n/)
    .map((paragraph) => paragraph.trim())
    .filter(Boolean);
}

const htmlEscapes: Record<string, string> = { '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' };
export function escapeHtml(text: string): string {
  return text.replace(/[&<>"']/g, (character) => htmlEscapes[character]);
}

/** schema.org's employment types for a contract and a working pattern (Google's list). */
export function employmentTypes(contract: ContractType, pattern: WorkingPattern): string[] {
  const types = [pattern === 'part_time' ? 'PART_TIME' : 'FULL_TIME'];
  if (contract === 'temporary' || contract === 'casual') types.push('TEMPORARY');
  if (contract === 'fixed_term') types.push('CONTRACTOR');
  if (contract === 'apprenticeship') types.push('INTERN');
  return types;
}

/**
 * The schema.org JobPosting of a live vacancy, with every field Google's job search requires and
 * recommends (https://developers.google.com/search/docs/appearance/structured-data/job-posting).
 */
export function jobPosting(vacancy: VacancyRecord, publicUrl: string) {
  const postedAt = vacancy.posted_at ?? vacancy.publish_at ?? vacancy.created_at;
  const salaryUnit = vacancy.salary_period === 'hourly' ? 'HOUR' : 'YEAR';
  const min = vacancy.salary_min_pence ?? vacancy.salary_max_pence;
  const max = vacancy.salary_max_pence ?? vacancy.salary_min_pence;
  const url = `${publicUrl}${recruitmentPaths.job({ slug: vacancy.slug })}`;
  return {
    '@context': 'https://schema.org/',
    '@type': 'JobPosting',
    title: vacancy.title,
    description: paragraphs(vacancy.description)
      .map((paragraph) => `<p>${escapeHtml(paragraph)}</p>`)
      .join(''),
    datePosted: new Date(postedAt).toISOString(),
    validThrough: new Date(vacancy.closes_at).toISOString(),
    url,
    identifier: { '@type': 'PropertyValue', name: vacancy.employer, value: String(vacancy.id) },
    hiringOrganization: {
      '@type': 'Organization',
      name: vacancy.employer,
      ...(vacancy.employer_website ? { sameAs: vacancy.employer_website } : {}),
    },
    jobLocation: {
      '@type': 'Place',
      address: {
        '@type': 'PostalAddress',
        ...(vacancy.location_name ? { addressLocality: vacancy.location_name } : {}),
        ...(vacancy.postcode ? { postalCode: vacancy.postcode } : {}),
        addressRegion: 'Derbyshire',
        addressCountry: 'GB',
      },
      ...(vacancy.latitude !== null && vacancy.longitude !== null
        ? { geo: { '@type': 'GeoCoordinates', latitude: vacancy.latitude, longitude: vacancy.longitude } }
        : {}),
    },
    ...(min !== null && max !== null
      ? {
          baseSalary: {
            '@type': 'MonetaryAmount',
            currency: 'GBP',
            value: { '@type': 'QuantitativeValue', minValue: min / 100, maxValue: max / 100, unitText: salaryUnit },
          },
        }
      : {}),
    employmentType: employmentTypes(vacancy.contract_type, vacancy.working_pattern),
    directApply: true,
  };
}

/**
 * JSON for inside a <script> element: `<` (and so `</script>` and `<!--`), `>`, `&` and the two line
 * separators JavaScript once refused are written as \u escapes, which JSON reads back as the same text.
 */
export function scriptSafeJson(value: unknown): string {
  return JSON.stringify(value).replace(/[<>&\u2028\u2029]/g, (character) => {
    return `\\u${character.charCodeAt(0).toString(16).padStart(4, '0')}`;
  });
}
