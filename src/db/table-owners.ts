import type { Database } from './schema.js';

/** The folders of src/modules that own tables. */
export type TableOwner =
  'partnership' | 'directory' | 'places' | 'identity' | 'people' | 'cases' | 'recruitment' | 'notify' | 'audit' | 'db';

/**
 * Every table (and view) and the one module that reads and writes it; typed against the schema, so
 * a new table does not compile without an owner. Another module gets what it needs through a port:
 * a function of the owner's (partnership members, a citizen's email, the public requests for the
 * map, the council areas) or a read-only view the owner publishes. test/architecture checks the
 * code against this; docs/architecture.md shows it.
 */
export const tableOwners: Record<keyof Database, TableOwner> = {
  organisations: 'partnership',
  partnerships: 'partnership',
  partnership_members: 'partnership',
  partnership_projects: 'partnership',
  project_members: 'partnership',
  project_lessons: 'partnership',
  data_sharing_agreements: 'partnership',
  agreement_parties: 'partnership',
  agreement_services: 'partnership',
  services: 'directory',
  service_links: 'directory',
  boundaries: 'places',
  postcodes: 'places',
  staff: 'identity',
  staff_directory: 'identity',
  citizens: 'identity',
  sessions: 'identity',
  account_tokens: 'identity',
  sign_in_failures: 'identity',
  organisation_identity_providers: 'identity',
  people: 'people',
  teams: 'cases',
  staff_teams: 'cases',
  bank_holidays: 'cases',
  request_types: 'cases',
  request_type_questions: 'cases',
  case_reference_counters: 'cases',
  cases: 'cases',
  case_events: 'cases',
  case_consents: 'cases',
  case_caller_checks: 'cases',
  satisfaction_responses: 'cases',
  api_clients: 'cases',
  idempotency_keys: 'cases',
  open311_post_counts: 'cases',
  report_drafts: 'cases',
  saved_worklist_filters: 'cases',
  message_templates: 'cases',
  case_letters: 'cases',
  photo_files: 'cases',
  case_photos: 'cases',
  case_media_links: 'cases',
  case_followers: 'cases',
  recruitment_employer_settings: 'recruitment',
  vacancies: 'recruitment',
  vacancy_criteria: 'recruitment',
  vacancy_documents: 'recruitment',
  vacancy_deadline_changes: 'recruitment',
  vacancy_panel_members: 'recruitment',
  interview_slots: 'recruitment',
  applicant_profiles: 'recruitment',
  saved_jobs: 'recruitment',
  applications: 'recruitment',
  application_events: 'recruitment',
  shortlist_scores: 'recruitment',
  reference_requests: 'recruitment',
  pre_employment_checks: 'recruitment',
  equality_monitoring: 'recruitment',
  recruitment_message_templates: 'recruitment',
  job_alerts: 'recruitment',
  email_outbox: 'notify',
  audit_log: 'audit',
  audit_seals: 'audit',
  audit_anchors: 'audit',
  // Which reference datasets have been imported, and their checksums: the importer's own (src/db/seed).
  reference_imports: 'db',
};

/**
 * What any module may read (never write), besides its own: the names of the public bodies and of
 * the services (reference data imported from data/, shown beside almost every record), and
 * identity's staff directory (who did something, whom to assign work to; never credentials).
 */
export const readableByEveryModule: ReadonlySet<keyof Database> = new Set([
  'organisations',
  'services',
  'staff_directory',
] as const);
