import { route } from '../../shared/paths.js';

/** Every address of the recruitment module (docs/recruitment.md). */
export const recruitmentPaths = {
  /** Anyone: the search, each vacancy, its documents, the feeds. */
  jobs: '/jobs',
  job: route('/jobs/:slug'),
  jobDocument: route('/jobs/:slug/documents/:documentId'),
  jobsFeed: '/jobs/feed.atom',
  jobsApi: '/api/v1/jobs',

  /** An applicant, signed in to their citizen account. */
  applicant: {
    saveJob: route('/jobs/:slug/save'),
    savedJobs: '/jobs/saved',
    start: route('/jobs/:slug/apply'),
    applications: '/jobs/applications',
    application: route('/jobs/applications/:id'),
    section: route('/jobs/applications/:id/:section'),
    checkAnswers: route('/jobs/applications/:id/check-answers'),
    withdraw: route('/jobs/applications/:id/withdraw'),
    interview: route('/jobs/applications/:id/interview'),
    offer: route('/jobs/applications/:id/offer'),
    profile: '/jobs/profile',
    profileSection: route('/jobs/profile/:section'),
    alerts: '/jobs/alerts',
    newAlert: '/jobs/alerts/new',
    alert: route('/jobs/alerts/:id'),
    yourData: '/jobs/your-data',
    yourDataDownload: '/jobs/your-data/download',
    yourDataDelete: '/jobs/your-data/delete',
  },
  /** Links in emails, which work without signing in. */
  unsubscribe: route('/jobs/alerts/unsubscribe/:key'),
  /** In the warning before an alert lapses: keep it for another 12 months. */
  keepAlert: route('/jobs/alerts/keep/:key'),
  reference: route('/references/:token'),

  /** An employer's staff. */
  staff: {
    home: '/staff/recruitment',
    newVacancy: '/staff/recruitment/vacancies/new',
    vacancy: route('/staff/recruitment/vacancies/:id'),
    editVacancy: route('/staff/recruitment/vacancies/:id/edit'),
    vacancyDocuments: route('/staff/recruitment/vacancies/:id/documents'),
    vacancyDocument: route('/staff/recruitment/vacancies/:id/documents/:documentId'),
    vacancyAction: route('/staff/recruitment/vacancies/:id/:action'),
    applications: route('/staff/recruitment/vacancies/:id/applications'),
    applicationsCsv: route('/staff/recruitment/vacancies/:id/applications.csv'),
    paperApplication: route('/staff/recruitment/vacancies/:id/paper-application'),
    shortlist: route('/staff/recruitment/vacancies/:id/shortlist'),
    interviewSlots: route('/staff/recruitment/vacancies/:id/interview-slots'),
    bulk: route('/staff/recruitment/vacancies/:id/applications/bulk'),
    equality: route('/staff/recruitment/vacancies/:id/equality'),
    application: route('/staff/recruitment/applications/:id'),
    applicationStage: route('/staff/recruitment/applications/:id/stage'),
    applicationScores: route('/staff/recruitment/applications/:id/scores'),
    applicationChecks: route('/staff/recruitment/applications/:id/checks'),
    templates: '/staff/recruitment/messages',
    template: route('/staff/recruitment/messages/:stage'),
    settings: '/staff/recruitment/settings',
    statistics: '/staff/recruitment/statistics',
    adverseImpact: '/staff/recruitment/adverse-impact',
  },
};
