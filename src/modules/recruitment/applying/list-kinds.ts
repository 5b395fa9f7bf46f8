import type { z } from 'zod';
import {
  readEmployment,
  readQualifications,
  readReferees,
  type EmploymentEntry,
  type Qualification,
  type Referee,
} from '../applications/application-content.js';
import { employmentList, gapsWithExplanations, monthName } from './employment-gaps.js';
import { jobFormBody, jobSchema, qualificationSchema, refereeSchema } from './schemas.js';

/** The columns the profile and an application share, as their jsonb holds them. */
export interface SharedContent {
  personal: unknown;
  employment_history: unknown;
  qualifications: unknown;
  referees: unknown;
}

export type ListSection = 'employment' | 'qualifications' | 'referees';
export const listSections: readonly ListSection[] = ['employment', 'qualifications', 'referees'];

/** A summary list's row: what a value is, and the value as text. */
export interface SummaryRow {
  key: string;
  value: string;
}

/**
 * A section that is a list the applicant adds to, changes and removes from, one item per form
 * (so it all works without JavaScript): how it reads and writes its column, checks an item's form,
 * and shows an item.
 */
export interface ListKind<Item> {
  section: ListSection;
  column: 'employment_history' | 'qualifications' | 'referees';
  heading: string;
  itemName: string;
  read(content: SharedContent): Item[];
  /** The column's new value with these items, keeping what else it holds (explained gaps). */
  write(content: SharedContent, items: Item[], now: Date): unknown;
  parse(body: Record<string, unknown>, now: Date): z.ZodSafeParseResult<Item>;
  /** The fields' ids where they differ from their names (a date input's first box). */
  fieldIds?: Record<string, string>;
  formValues(item: Item): Record<string, string>;
  title(item: Item): string;
  summary(item: Item): SummaryRow[];
}

const monthBoxes = (name: string, month: string) => {
  const [year, number] = month ? month.split('-') : ['', ''];
  return { [`${name}-month`]: number ? String(Number(number)) : '', [`${name}-year`]: year };
};

const employment: ListKind<EmploymentEntry> = {
  section: 'employment',
  column: 'employment_history',
  heading: 'Employment history',
  itemName: 'job',
  read: (content) => readEmployment(content.employment_history).jobs,
  write(content, jobs, now) {
    const { gaps } = readEmployment(content.employment_history);
    // Gaps are worked out again from the jobs; an explanation stays with the gap it was written for.
    return employmentList(
      jobs,
      gapsWithExplanations(jobs, gaps, now).filter((gap) => gap.explanation !== ''),
    );
  },
  parse: (body, now) => jobSchema(now).safeParse(jobFormBody(body)),
  fieldIds: { from: 'from-month', to: 'to-month' },
  formValues: (job) => ({
    employer: job.employer,
    job_title: job.job_title,
    ...monthBoxes('from', job.from),
    ...monthBoxes('to', job.to),
    duties: job.duties,
    reason_for_leaving: job.reason_for_leaving,
  }),
  title: (job) => `${job.job_title} at ${job.employer}`,
  summary: (job) => [
    { key: 'Employer', value: job.employer },
    { key: 'Job title', value: job.job_title },
    { key: 'Dates', value: `${monthName(job.from)} to ${monthName(job.to)}` },
    { key: 'Duties', value: job.duties || 'Not given' },
    { key: 'Reason for leaving', value: job.to ? job.reason_for_leaving || 'Not given' : 'Current job' },
  ],
};

const qualifications: ListKind<Qualification> = {
  section: 'qualifications',
  column: 'qualifications',
  heading: 'Qualifications',
  itemName: 'qualification',
  read: (content) => readQualifications(content.qualifications),
  write: (_content, items) => items,
  parse: (body) => qualificationSchema.safeParse(body),
  formValues: (item) => ({ ...item }),
  title: (item) => `${item.level} ${item.subject}`,
  summary: (item) => [
    { key: 'Subject', value: item.subject },
    { key: 'Level', value: item.level },
    { key: 'Grade', value: item.grade || 'Not given' },
    { key: 'Year awarded', value: item.awarded },
    { key: 'School, college or awarding body', value: item.institution || 'Not given' },
  ],
};

const referees: ListKind<Referee> = {
  section: 'referees',
  column: 'referees',
  heading: 'Referees',
  itemName: 'referee',
  read: (content) => readReferees(content.referees),
  write: (_content, items) => items,
  parse(body) {
    const parsed = refereeSchema.safeParse(body);
    return parsed.success
      ? { success: true, data: { ...parsed.data, contact_before_offer: parsed.data.contact_before_offer === 'yes' } }
      : (parsed as unknown as z.ZodSafeParseError<Referee>);
  },
  formValues: (item) => ({
    name: item.name,
    email: item.email,
    phone: item.phone,
    relationship: item.relationship,
    contact_before_offer: item.contact_before_offer ? 'yes' : 'no',
  }),
  title: (item) => item.name,
  summary: (item) => [
    { key: 'Name', value: item.name },
    { key: 'Email address', value: item.email },
    { key: 'Phone number', value: item.phone || 'Not given' },
    { key: 'How they know you', value: item.relationship },
    { key: 'May we contact them before an offer?', value: item.contact_before_offer ? 'Yes' : 'No' },
  ],
};

export const listKinds: Record<ListSection, ListKind<never>> = {
  employment: employment as unknown as ListKind<never>,
  qualifications: qualifications as unknown as ListKind<never>,
  referees: referees as unknown as ListKind<never>,
};
