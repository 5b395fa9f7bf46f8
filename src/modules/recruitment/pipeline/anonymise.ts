import type { ApplicationStatus } from '../../../db/schema.js';
import {
  fullName,
  readEmployment,
  readPersonal,
  readQualifications,
  readReferees,
  type EmploymentEntry,
  type EmploymentGap,
  type PersonalDetails,
  type Qualification,
  type Referee,
} from '../applications/application-content.js';

/**
 * Anonymised shortlisting: until an application is shortlisted, the panel reads the evidence, not
 * the person. The name, contact details, address, referees and every date that could reveal an
 * age (jobs, qualifications, gaps) are left out; roles, duties, subjects, grades and the answers stay.
 */

/** How an application is called where its applicant's name is hidden: "Applicant A-17". */
export function applicantLabel(applicationId: number): string {
  return `Applicant A-${applicationId}`;
}

/** The stages an application can be at before anyone shortlisted it: still anonymised there. */
const siftStages: readonly ApplicationStatus[] = [
  'submitted',
  'reserve',
  'unsuccessful',
  'withdrawn',
  'vacancy_cancelled',
];

/**
 * Is the applicant hidden? Where the vacancy shortlists anonymously and the application has not
 * been shortlisted: at submitted or reserve, or ended (unsuccessful, say) at the sift, which its
 * history shows by never having reached "shortlisted".
 */
export function isAnonymised(
  vacancy: { anonymised_shortlisting: boolean },
  application: { status: ApplicationStatus; was_shortlisted: boolean },
): boolean {
  return vacancy.anonymised_shortlisting && siftStages.includes(application.status) && !application.was_shortlisted;
}

export interface ShownContent {
  label: string;
  anonymised: boolean;
  /** Null where anonymised. */
  name: string | null;
  personal: PersonalDetails | null;
  referees: Referee[] | null;
  jobs: EmploymentEntry[];
  gaps: EmploymentGap[];
  qualifications: Qualification[];
}

export function shownContent(
  application: {
    id: number;
    personal: unknown;
    employment_history: unknown;
    qualifications: unknown;
    referees: unknown;
  },
  anonymised: boolean,
): ShownContent {
  const personal = readPersonal(application.personal);
  const { jobs, gaps } = readEmployment(application.employment_history);
  const qualifications = readQualifications(application.qualifications);
  if (!anonymised)
    return {
      label: applicantLabel(application.id),
      anonymised,
      name: fullName(personal) || applicantLabel(application.id),
      personal,
      referees: readReferees(application.referees),
      jobs,
      gaps,
      qualifications,
    };
  return {
    label: applicantLabel(application.id),
    anonymised,
    name: null,
    personal: null,
    referees: null,
    jobs: jobs.map((job) => ({ ...job, from: '', to: '' })),
    gaps: gaps.map((gap) => ({ ...gap, from: '', to: '' })),
    qualifications: qualifications.map((qualification) => ({ ...qualification, awarded: '' })),
  };
}
