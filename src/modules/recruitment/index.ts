import type { FastifyInstance } from 'fastify';
import type { Kysely } from 'kysely';
import type { Database } from '../../db/schema.js';
import type { Navigation } from '../../web/navigation.js';
import type { CitizenEmail } from '../identity/index.js';
import type { StaffHome } from '../identity/staff-home-routes.js';
import type { PlacesService } from '../places/service.js';
import { createApplicantMessages } from './messages/applicant-messages.js';
import { createJobsPart } from './jobs/index.js';
import { registerJobAlerts } from './alerts/index.js';
import { recruitmentPaths } from './paths.js';

export { recruitmentPaths } from './paths.js';

export interface RecruitmentDependencies {
  db: Kysely<Database>;
  clock: () => Date;
  /** Where the platform is, for the links in emails and feeds. */
  publicUrl: string;
  /** Postcodes to map points: a vacancy's location, an applicant's "within 10 miles of". */
  places: PlacesService;
  /** An applicant's account's email address, for the emails about their applications. */
  citizenEmail: CitizenEmail;
  /** The partnership's member organisations: every one of them may advertise. */
  memberOrganisationIds: () => Promise<number[]>;
}

/**
 * e-Recruitment for every partner employer, in parts built on one pipeline (docs/recruitment.md):
 * the vacancies and their employers' settings, the public search and its feeds, the applicant's side
 * (profile, saved jobs, applications, alerts, equality monitoring), and the employer's pipeline
 * (shortlisting, interviews, offers, checks). Every stage change goes through `changeStage`, which
 * records, audits and tells the applicant.
 */
export function createRecruitmentModule(deps: RecruitmentDependencies) {
  const messages = createApplicantMessages({ citizenEmail: deps.citizenEmail, publicUrl: deps.publicUrl });
  const jobs = createJobsPart(deps);

  return {
    register(app: FastifyInstance, { staffHome, navigation }: { staffHome: StaffHome; navigation: Navigation }): void {
      void app;
      void messages;
      jobs.register(app);
      registerJobAlerts(app, { db: deps.db, jobs: jobs.jobs, clock: deps.clock });
      navigation.forResidents({ href: recruitmentPaths.jobs, text: 'Jobs', section: 'jobs' });
      staffHome.add({
        href: recruitmentPaths.staff.home,
        text: 'Recruitment',
        description:
          'Your organisation’s vacancies, from advert to appointment: applications at each stage, shortlisting and figures.',
        capability: 'recruitment.manage',
      });
    },
  };
}
