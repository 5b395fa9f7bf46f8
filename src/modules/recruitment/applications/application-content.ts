/**
 * What an application (and the applicant's reusable profile) holds, as its jsonb columns store it.
 * Read tolerantly: a key missing from an older row reads as empty, never as an error. Dates are
 * month precision ('2019-04'), as application forms ask; they can reveal age, so anonymised
 * shortlisting hides them (and the name and contact details) until an application is shortlisted.
 */
export interface PersonalDetails {
  first_name: string;
  last_name: string;
  email: string;
  phone: string;
  address: string;
  postcode: string;
  /** Whether the applicant has the right to work in the UK: 'yes', 'no', or 'not_sure'. */
  right_to_work: string;
}

export interface EmploymentEntry {
  employer: string;
  job_title: string;
  /** 'YYYY-MM' */
  from: string;
  /** 'YYYY-MM', or '' while it is the applicant's current job. */
  to: string;
  duties: string;
  reason_for_leaving: string;
}

/** A gap of more than three months between jobs, explained (study, caring, illness, looking for work). */
export interface EmploymentGap {
  from: string;
  to: string;
  explanation: string;
}

export interface Qualification {
  subject: string;
  level: string;
  /** Grade or result, if any. */
  grade: string;
  /** 'YYYY' or 'YYYY-MM' */
  awarded: string;
  institution: string;
}

export interface Referee {
  name: string;
  email: string;
  phone: string;
  relationship: string;
  /** May they be asked before an offer is made? */
  contact_before_offer: boolean;
}

const text = (value: unknown): string => (typeof value === 'string' ? value : '');
const list = (value: unknown): Record<string, unknown>[] =>
  Array.isArray(value)
    ? value.filter((item): item is Record<string, unknown> => typeof item === 'object' && item !== null)
    : [];

export function readPersonal(value: unknown): PersonalDetails {
  const record = typeof value === 'object' && value !== null ? (value as Record<string, unknown>) : {};
  return {
    first_name: text(record.first_name),
    last_name: text(record.last_name),
    email: text(record.email),
    phone: text(record.phone),
    address: text(record.address),
    postcode: text(record.postcode),
    right_to_work: text(record.right_to_work),
  };
}

/** Employment entries and explained gaps share one list, each gap marked `kind: 'gap'`, in the order the applicant gave them. */
export function readEmployment(value: unknown): { jobs: EmploymentEntry[]; gaps: EmploymentGap[] } {
  const items = list(value);
  return {
    jobs: items
      .filter((item) => item.kind !== 'gap')
      .map((item) => ({
        employer: text(item.employer),
        job_title: text(item.job_title),
        from: text(item.from),
        to: text(item.to),
        duties: text(item.duties),
        reason_for_leaving: text(item.reason_for_leaving),
      })),
    gaps: items
      .filter((item) => item.kind === 'gap')
      .map((item) => ({ from: text(item.from), to: text(item.to), explanation: text(item.explanation) })),
  };
}

export function readQualifications(value: unknown): Qualification[] {
  return list(value).map((item) => ({
    subject: text(item.subject),
    level: text(item.level),
    grade: text(item.grade),
    awarded: text(item.awarded),
    institution: text(item.institution),
  }));
}

export function readReferees(value: unknown): Referee[] {
  return list(value).map((item) => ({
    name: text(item.name),
    email: text(item.email),
    phone: text(item.phone),
    relationship: text(item.relationship),
    contact_before_offer: item.contact_before_offer === true,
  }));
}

export function fullName(personal: PersonalDetails): string {
  return [personal.first_name, personal.last_name].filter(Boolean).join(' ');
}
