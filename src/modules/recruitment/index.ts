import type { FastifyInstance } from 'fastify';
import type { Kysely } from 'kysely';
import type { Database } from '../../db/schema.js';
import type { Navigation } from '../../web/navigation.js';
import type { CitizenEmail } from '../identity/index.js';
import type { StaffHome } from '../identity/staff-home-routes.js';
import type { PlacesService } from '../places/service.js';
import { hasCapability } from '../identity/policy.js';
import { registerEmployerRoutes } from './employer/routes.js';
import { createEmployerSettingsService } from './employer/settings.js';
import { createApplicantMessages } from './messages/applicant-messages.js';
import { createVacancyDocuments } from './vacancies/document-service.js';
import { createPaperApplications } from './vacancies/paper-application.js';
import { registerVacancyRoutes } from './vacancies/routes.js';
import { createVacancyService } from './vacancies/service.js';
import { createApplying } from './applying/index.js';
import { registerEquality } from './equality/index.js';
import { createJobsPart } from './jobs/index.js';
import { registerJobAlerts } from './alerts/index.js';
import { recruitmentPaths } from './paths.js';
import { createPipeline } from './pipeline/index.js';

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
  const applying = createApplying({ db: deps.db, clock: deps.clock, messages });
  const pipeline = createPipeline({ db: deps.db, clock: deps.clock, messages, publicUrl: deps.publicUrl });
  const jobs = createJobsPart(deps);

  return {
    register(app: FastifyInstance, { staffHome, navigation }: { staffHome: StaffHome; navigation: Navigation }): void {
      registerVacancyRoutes(app, {
        vacancies: createVacancyService({ db: deps.db, clock: deps.clock, places: deps.places, messages }),
        documents: createVacancyDocuments({ db: deps.db, clock: deps.clock }),
        paper: createPaperApplications({ db: deps.db, clock: deps.clock, messages }),
        clock: deps.clock,
      });
      registerEmployerRoutes(app, {
        db: deps.db,
        clock: deps.clock,
        settings: createEmployerSettingsService({ db: deps.db, clock: deps.clock }),
        memberOrganisationIds: deps.memberOrganisationIds,
      });
      navigation.forStaff({
        href: recruitmentPaths.staff.home,
        text: 'Recruitment',
        section: 'recruitment',
        // A recruiter's own work comes first, as cases do for caseworkers.
        first: true,
        shownWhen: (actor) =>
          hasCapability(actor, 'recruitment.manage') || hasCapability(actor, 'recruitment.shortlist'),
      });
      applying.register(app);
      registerEquality(app, { db: deps.db, clock: deps.clock });
      jobs.register(app);
      registerJobAlerts(app, { db: deps.db, jobs: jobs.jobs, clock: deps.clock });
      navigation.forResidents({ href: recruitmentPaths.jobs, text: 'Jobs', section: 'jobs' });
      pipeline.register(app);
      staffHome.add({
        href: recruitmentPaths.staff.home,
        text: 'Recruitment',
        description:
          'Your organisation’s vacancies, from advert to appointment: applications at each stage, shortlisting and figures.',
        capability: 'recruitment.manage',
      });
      staffHome.add({
        href: recruitmentPaths.staff.statistics,
        text: 'Recruitment figures',
        description:
          'Applications online and on paper, time to hire, and the paper packs saved, for a period you choose.',
        capability: 'recruitment.figures',
      });
      staffHome.add({
        href: recruitmentPaths.staff.adverseImpact,
        text: 'Adverse impact',
        description:
          'Pass rates at sift, interview and offer by what applicants said in equality monitoring, against the four-fifths rule.',
        capability: 'recruitment.figures',
      });
      staffHome.add({
        href: recruitmentPaths.staff.templates,
        text: 'Recruitment emails',
        description: 'The wording of the email applicants get at each stage of your organisation’s vacancies.',
        capability: 'recruitment.manage',
      });
    },
  };
}
