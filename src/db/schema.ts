import type { ColumnType, Generated, Insertable, Selectable } from 'kysely';
import type { DataCategory, SharingRelationship } from '../shared/sharing.js';

/** The shape of every table, as Kysely sees it. One interface per table, named after it. */
export interface Database {
  organisations: OrganisationsTable;
  partnerships: PartnershipsTable;
  partnership_members: PartnershipMembersTable;
  boundaries: BoundariesTable;
  postcodes: PostcodesTable;
  services: ServicesTable;
  service_links: ServiceLinksTable;
  reference_imports: ReferenceImportsTable;
  organisation_identity_providers: OrganisationIdentityProvidersTable;
  staff: StaffTable;
  /** A view: identity's published read model of staff (migration 0021). Read-only. */
  staff_directory: StaffDirectoryView;
  citizens: CitizensTable;
  sessions: SessionsTable;
  account_tokens: AccountTokensTable;
  sign_in_failures: SignInFailuresTable;
  partnership_projects: PartnershipProjectsTable;
  project_members: ProjectMembersTable;
  project_lessons: ProjectLessonsTable;
  data_sharing_agreements: DataSharingAgreementsTable;
  agreement_parties: AgreementPartiesTable;
  agreement_services: AgreementServicesTable;
  audit_log: AuditLogTable;
  audit_seals: AuditSealsTable;
  audit_anchors: AuditAnchorsTable;
  email_outbox: EmailOutboxTable;
  bank_holidays: BankHolidaysTable;
  teams: TeamsTable;
  staff_teams: StaffTeamsTable;
  request_types: RequestTypesTable;
  request_type_questions: RequestTypeQuestionsTable;
  case_reference_counters: CaseReferenceCountersTable;
  cases: CasesTable;
  case_events: CaseEventsTable;
  case_consents: CaseConsentsTable;
  case_caller_checks: CaseCallerChecksTable;
  satisfaction_responses: SatisfactionResponsesTable;
  api_clients: ApiClientsTable;
  idempotency_keys: IdempotencyKeysTable;
  open311_post_counts: Open311PostCountsTable;
  report_drafts: ReportDraftsTable;
  people: PeopleTable;
  saved_worklist_filters: SavedWorklistFiltersTable;
  message_templates: MessageTemplatesTable;
  case_letters: CaseLettersTable;
  photo_files: PhotoFilesTable;
  case_photos: CasePhotosTable;
  case_media_links: CaseMediaLinksTable;
  case_followers: CaseFollowersTable;
  recruitment_employer_settings: RecruitmentEmployerSettingsTable;
  vacancies: VacanciesTable;
  vacancy_criteria: VacancyCriteriaTable;
  vacancy_documents: VacancyDocumentsTable;
  vacancy_deadline_changes: VacancyDeadlineChangesTable;
  vacancy_panel_members: VacancyPanelMembersTable;
  interview_slots: InterviewSlotsTable;
  applicant_profiles: ApplicantProfilesTable;
  saved_jobs: SavedJobsTable;
  applications: ApplicationsTable;
  application_events: ApplicationEventsTable;
  shortlist_scores: ShortlistScoresTable;
  reference_requests: ReferenceRequestsTable;
  pre_employment_checks: PreEmploymentChecksTable;
  equality_monitoring: EqualityMonitoringTable;
  recruitment_message_templates: RecruitmentMessageTemplatesTable;
  job_alerts: JobAlertsTable;
}

export type OrganisationType =
  'council' | 'advice_agency' | 'police' | 'health' | 'fire_and_rescue' | 'housing' | 'other';
export type CouncilTier = 'county' | 'district' | 'unitary';

export interface OrganisationsTable {
  id: Generated<number>;
  gss: string | null;
  slug: string;
  name: string;
  type: OrganisationType;
  tier: CouncilTier | null;
  parent_gss: string | null;
  homepage_url: string | null;
  /** Staff email addresses of this domain belong to this organisation (for single sign-on). */
  email_domain: Generated<string | null>;
  created_at: Generated<Date>;
}
export type Organisation = Selectable<OrganisationsTable>;
export type NewOrganisation = Insertable<OrganisationsTable>;

export type PartnershipKind = 'national' | 'regional' | 'shire' | 'local';

export interface PartnershipsTable {
  id: Generated<number>;
  slug: string;
  name: string;
  kind: PartnershipKind;
  description: Generated<string>;
  reference_prefix: Generated<string>;
  created_at: Generated<Date>;
}

export interface PartnershipMembersTable {
  partnership_id: number;
  organisation_id: number;
}

export type BoundaryLevel = 'lower' | 'upper';

export interface BoundariesTable {
  gss: string;
  level: BoundaryLevel;
  name: string;
  /** GeoJSON Polygon or MultiPolygon, WGS84. */
  geometry: unknown;
  min_longitude: number;
  min_latitude: number;
  max_longitude: number;
  max_latitude: number;
}

export interface PostcodesTable {
  postcode: string;
  latitude: number;
  longitude: number;
  lower_tier_gss: string;
  /** Empty for a unitary area, where one body serves both tiers. */
  county_gss: string | null;
  ward_gss: string | null;
}

export type ServiceTier = 'district/unitary' | 'county/unitary' | 'all';

export interface ServicesTable {
  lgsl: number;
  slug: string;
  title: string;
  description: string;
  tier: ServiceTier;
  in_current_list: boolean;
}
export type Service = Selectable<ServicesTable>;

export interface ServiceLinksTable {
  organisation_id: number;
  lgsl: number;
  lgil: number;
  url: string;
}

export interface ReferenceImportsTable {
  dataset: string;
  checksum: string;
  row_count: number;
  imported_at: Generated<Date>;
}

export interface OrganisationIdentityProvidersTable {
  organisation_id: number;
  issuer_url: string;
  client_id: string;
  client_secret: string;
  enabled: Generated<boolean>;
  created_at: Generated<Date>;
}

export { staffRoles, type StaffRole } from '../shared/roles.js';
import type { StaffRole } from '../shared/roles.js';

export interface StaffTable {
  id: Generated<number>;
  organisation_id: number;
  email: string;
  name: string;
  roles: StaffRole[];
  password_hash: string | null;
  failed_sign_ins: Generated<number>;
  locked_until: Date | null;
  disabled_at: Date | null;
  last_signed_in_at: Date | null;
  created_at: Generated<Date>;
}
export type StaffMember = Selectable<StaffTable>;

/** What any module may know of a member of staff: never credentials or sign-in history. */
export interface StaffDirectoryView {
  id: number;
  organisation_id: number;
  name: string;
  email: string;
  roles: StaffRole[];
  active: boolean;
}

export interface CitizensTable {
  id: Generated<number>;
  email: string;
  name: string;
  phone: string | null;
  password_hash: string | null;
  email_verified_at: Date | null;
  oidc_issuer: string | null;
  oidc_subject: string | null;
  failed_sign_ins: Generated<number>;
  locked_until: Date | null;
  created_at: Generated<Date>;
}
export type Citizen = Selectable<CitizensTable>;

export interface SessionsTable {
  token_hash: string;
  staff_id: number | null;
  citizen_id: number | null;
  created_at: Generated<Date>;
  last_seen_at: Generated<Date>;
  expires_at: Date;
  revoked_at: Date | null;
  ip_address: string | null;
  user_agent: string | null;
}

/** Wrong passwords for one email from one address, and the lock they led to (migration 0017). */
export interface SignInFailuresTable {
  account_kind: 'staff' | 'citizen';
  /** As typed, lower case: an unknown address is counted like a real one. */
  email: string;
  ip_address: string;
  failures: number;
  first_failed_at: Date;
  locked_until: Date | null;
}

export interface AccountTokensTable {
  token_hash: string;
  purpose: 'password_reset' | 'email_verification';
  staff_id: number | null;
  citizen_id: number | null;
  expires_at: Date;
  used_at: Date | null;
  created_at: Generated<Date>;
}

export type ProjectStatus = 'proposed' | 'active' | 'completed' | 'stopped';

export interface PartnershipProjectsTable {
  id: Generated<number>;
  partnership_id: number;
  name: string;
  summary: Generated<string>;
  status: ProjectStatus;
  /** 'YYYY-MM-DD' */
  starts_on: string | null;
  ends_on: string | null;
  expected_cashable_pence: Generated<number>;
  expected_non_cashable_pence: Generated<number>;
  expected_other: Generated<string>;
  realised_cashable_pence: Generated<number>;
  realised_non_cashable_pence: Generated<number>;
  realised_other: Generated<string>;
  created_at: Generated<Date>;
}

export interface ProjectMembersTable {
  project_id: number;
  organisation_id: number;
}

export interface ProjectLessonsTable {
  id: Generated<number>;
  project_id: number;
  outcome: 'worked' | 'did_not_work';
  lesson: string;
  recorded_by_staff_id: number | null;
  recorded_at: Generated<Date>;
}

export type AgreementPurpose = 'cases' | 'recruitment' | 'insight';
export type AgreementStatus = 'draft' | 'active' | 'ended';

export interface DataSharingAgreementsTable {
  id: Generated<number>;
  title: string;
  purpose: AgreementPurpose;
  covers_all_services: Generated<boolean>;
  /** 'YYYY-MM-DD' */
  valid_from: string;
  valid_to: string | null;
  status: AgreementStatus;
  created_by_staff_id: number | null;
  created_at: Generated<Date>;
  /** What the sharing is for, as the agreement says it ("Advice casework"). Migration 0016 on. */
  purpose_statement: Generated<string>;
  /** The categories of data shared (src/shared/sharing.ts); always status and reference. */
  categories: Generated<DataCategory[]>;
  /** The roles of the receiving bodies' staff that may use what is shared. */
  receiving_roles: Generated<StaffRole[]>;
  /** The test a member of staff passes for each record. */
  relationship: Generated<SharingRelationship>;
}

export interface AgreementPartiesTable {
  agreement_id: number;
  organisation_id: number;
}

export interface AgreementServicesTable {
  agreement_id: number;
  lgsl: number;
}

export type AuditActorType = 'staff' | 'citizen' | 'system' | 'api_client';

export interface AuditLogTable {
  id: Generated<number>;
  occurred_at: Date;
  actor_type: AuditActorType;
  actor_id: number | null;
  actor_label: string;
  organisation_id: number | null;
  action: string;
  record_type: string;
  record_id: string | null;
  detail: unknown;
  ip_address: string | null;
  /** The hash of the entry before, for entries written before the log was sealed (migration 0013); null since. */
  previous_hash: string | null;
  hash: string;
  /** The transaction that wrote the entry, set by the database: what the sealer orders entries by. */
  transaction_id: Generated<number>;
}

/** An entry as a seal lists it: its id and its hash. */
export type SealedEntry = [id: number, hash: string];

export interface AuditSealsTable {
  id: Generated<number>;
  sealed_at: Date;
  /** The last entry of the seal before, as (transaction id, entry id); (0, 0) for the first seal. */
  after_transaction: number;
  after_entry_id: number;
  /** This seal's last entry: it covers every entry after the key above, up to and including this one. */
  upto_transaction: number;
  upto_entry_id: number;
  entry_count: number;
  entries: ColumnType<SealedEntry[], string, never>;
  previous_hash: string;
  hash: string;
}

/** A publication of the newest seal, emailed to the partnership administrators (migration 0018). */
export interface AuditAnchorsTable {
  id: Generated<number>;
  published_at: Date;
  /** The seal that was newest then, and its hash as it was. */
  seal_id: number;
  seal_hash: string;
  sealed_at: Date;
  /** The addresses it was emailed to. */
  recipients: string[];
}

export interface EmailOutboxTable {
  id: Generated<number>;
  to_address: string;
  subject: string;
  body_text: string;
  created_at: Generated<Date>;
  attempts: Generated<number>;
  next_attempt_at: Generated<Date>;
  locked_until: Date | null;
  last_error: string | null;
  sent_at: Date | null;
  message_id: string | null;
  /** Set when the worker gives up after its last attempt; the email stays for administrators to read. */
  failed_at: Date | null;
}

export interface BankHolidaysTable {
  /** 'YYYY-MM-DD' */
  holiday_on: string;
  title: string;
}

export interface TeamsTable {
  id: Generated<number>;
  organisation_id: number;
  name: string;
  email: string | null;
  created_at: Generated<Date>;
}

export interface StaffTeamsTable {
  staff_id: number;
  team_id: number;
}

export type RequestTier = 'district/unitary' | 'county/unitary';

export interface RequestTypesTable {
  id: Generated<number>;
  organisation_id: number;
  service_code: string;
  name: string;
  tier: RequestTier;
  lgsl: number | null;
  group_name: string;
  description: Generated<string>;
  hint: Generated<string>;
  keywords: Generated<string>;
  sla_working_days: number;
  team_id: number;
  public_on_map: Generated<boolean>;
  allows_anonymous: Generated<boolean>;
  active: Generated<boolean>;
  created_at: Generated<Date>;
}

/** Open311 GeoReport v2 attribute datatypes. */
export const questionDatatypes = ['string', 'number', 'datetime', 'text', 'singlevaluelist', 'multivaluelist'] as const;
export type QuestionDatatype = (typeof questionDatatypes)[number];

export interface RequestTypeQuestionsTable {
  id: Generated<number>;
  request_type_id: number;
  code: string;
  label: string;
  hint: Generated<string>;
  datatype: QuestionDatatype;
  required: Generated<boolean>;
  /** [{ key, name }] for the list datatypes. */
  options: Generated<unknown>;
  position: Generated<number>;
  /** Its answers are special-category data (health, say): shared only when an agreement says so. */
  special_category: Generated<boolean>;
  /** What to say when a required question is left out; empty: a general message. */
  error_message: Generated<string>;
  /** For a date: only today or before ('past'), today or after ('future'); null: any date. */
  dates: QuestionDates | null;
}

export const questionDates = ['past', 'future'] as const;
export type QuestionDates = (typeof questionDates)[number];

export interface CaseReferenceCountersTable {
  prefix: string;
  year: number;
  last_number: number;
}

export const caseStatuses = ['open', 'acknowledged', 'in_progress', 'resolved', 'closed'] as const;
export type CaseStatus = (typeof caseStatuses)[number];
export const closureReasons = ['no_further_action', 'not_our_responsibility', 'duplicate'] as const;
export type ClosureReason = (typeof closureReasons)[number];
export const channels = ['web', 'phone', 'face_to_face', 'email', 'outreach', 'partner_agency', 'open311'] as const;
export type Channel = (typeof channels)[number];

export interface CasesTable {
  id: Generated<number>;
  reference: string;
  request_type_id: number;
  organisation_id: number;
  team_id: number | null;
  assignee_staff_id: number | null;
  status: CaseStatus;
  closure_reason: ClosureReason | null;
  duplicate_of_case_id: number | null;
  channel: Channel;
  description: string;
  answers: Generated<unknown>;
  latitude: number;
  longitude: number;
  postcode: string | null;
  location_description: Generated<string>;
  /** The person in the customer view (migration 0025); null for an anonymous report. */
  person_id: number | null;
  citizen_id: number | null;
  contact_name: string | null;
  contact_email: string | null;
  contact_phone: string | null;
  is_public: boolean;
  /** 'YYYY-MM-DD' */
  due_on: string;
  created_by_staff_id: number | null;
  recorded_by_organisation_id: number | null;
  created_by_api_client_id: number | null;
  created_at: Generated<Date>;
  updated_at: Generated<Date>;
  resolved_at: Date | null;
  closed_at: Date | null;
  /** 'YYYY-MM-DD': the day the resident was promised, when a transfer gave the owner a target of its own (`due_on`). Null: the same as due_on. */
  resident_due_on: Generated<string | null>;
  /** When the current owner received the case by transfer; null if it never moved. */
  transferred_at: Generated<Date | null>;
}

/** An organisation's own wording of one kind of message (migration 0022); a kind with no row uses the default. */
export interface MessageTemplatesTable {
  organisation_id: number;
  kind: string;
  subject: string;
  body: string;
  updated_at: Generated<Date>;
  updated_by_staff_id: number | null;
}

/** A message for a resident with no email address, ready to print and post (migration 0022). */
export interface CaseLettersTable {
  id: Generated<number>;
  case_id: number;
  kind: string;
  subject: string;
  body: string;
  created_at: Generated<Date>;
}

export type CaseEventKind =
  | 'created'
  | 'status_changed'
  | 'public_update'
  | 'internal_note'
  | 'assigned'
  | 'transferred'
  | 'reopened'
  | 'contact_recorded'
  | 'satisfaction';

export interface CaseEventsTable {
  id: Generated<number>;
  case_id: number;
  occurred_at: Generated<Date>;
  kind: CaseEventKind;
  is_public: boolean;
  body: Generated<string>;
  from_status: CaseStatus | null;
  to_status: CaseStatus | null;
  from_organisation_id: number | null;
  to_organisation_id: number | null;
  staff_id: number | null;
  organisation_id: number | null;
  channel: Channel;
}

export interface CaseConsentsTable {
  case_id: number;
  given_by: string;
  given_on: string;
  purpose: string;
  recorded_by_staff_id: number;
  recorded_at: Generated<Date>;
  /** The organisation the client consented may see the case (the recording adviser's). */
  organisation_id: number;
  /** 'YYYY-MM-DD': the last day the consent holds. */
  expires_on: string;
  withdrawn_at: Date | null;
  withdrawn_by: 'staff' | 'resident' | null;
  withdrawn_by_staff_id: number | null;
}

/** A contact-centre agent's check of a caller against another body's case (migration 0016). */
export interface CaseCallerChecksTable {
  id: Generated<number>;
  staff_id: number;
  case_id: number | null;
  agreement_id: number | null;
  checked_at: Date;
  succeeded: boolean;
  /** Until when the case may be seen; set for a success only. */
  expires_at: Date | null;
}

export interface SatisfactionResponsesTable {
  case_id: number;
  token_hash: string;
  score: number | null;
  responded_at: Date | null;
}

export interface ApiClientsTable {
  id: Generated<number>;
  name: string;
  key_hash: string;
  key_hint: string;
  created_by_staff_id: number | null;
  created_at: Generated<Date>;
  revoked_at: Date | null;
  /** Set for a member's back office (migration 0012): it may update every case of that organisation. */
  organisation_id: number | null;
}

export interface IdempotencyKeysTable {
  api_client_id: number;
  key: string;
  request_hash: string;
  response_status: number;
  response_type: string;
  response_body: string;
  created_at: Generated<Date>;
}

/** A /report journey in progress (see migration 0011). `answers` is the journey's own JSON. */
export interface ReportDraftsTable {
  id: Generated<number>;
  token_hash: string;
  answers: unknown;
  expires_at: Date;
  submitting_at: Date | null;
  case_id: number | null;
  created_at: Generated<Date>;
  updated_at: Generated<Date>;
}

export interface Open311PostCountsTable {
  api_client_id: number;
  /** The start of the clock minute counted. */
  minute: Date;
  posts: number;
}

export const preferredChannels = ['email', 'phone', 'letter', 'text_message', 'face_to_face'] as const;
export type PreferredChannel = (typeof preferredChannels)[number];

/** The customer view's person: one record across every partner's cases (migration 0025). */
export interface PeopleTable {
  id: Generated<number>;
  name: Generated<string>;
  email: string | null;
  phone: string | null;
  /** The phone number's digits in national form, for exact search. */
  phone_digits: string | null;
  address: Generated<string>;
  postcode: string | null;
  preferred_channel: PreferredChannel | null;
  /** Accessibility or language needs, in the person's words. */
  needs: Generated<string>;
  citizen_id: number | null;
  /** Set when this record was merged into another: the one it became. */
  merged_into_person_id: number | null;
  created_at: Generated<Date>;
  updated_at: Generated<Date>;
}

/** A member of staff's named worklist filters: the worklist's query string (migration 0026). */
export interface SavedWorklistFiltersTable {
  id: Generated<number>;
  staff_id: number;
  name: string;
  query: string;
  created_at: Generated<Date>;
}

/** The photo store's bytes, by key (migration 0023): behind PhotoStore, so S3 can hold them instead. */
export interface PhotoFilesTable {
  storage_key: string;
  bytes: Uint8Array;
}

export type PhotoFormat = 'jpeg' | 'png' | 'heif';

/** A photo on a case, or on a report draft until it is sent. Resized and stripped of EXIF before it is stored. */
export interface CasePhotosTable {
  id: Generated<number>;
  case_id: number | null;
  report_draft_id: number | null;
  case_event_id: number | null;
  /** Never shown to the public, whatever the case: a photo that came with an internal note. */
  is_private: Generated<boolean>;
  image_key: string;
  thumbnail_key: string;
  width: number;
  height: number;
  image_bytes: number;
  thumbnail_bytes: number;
  /** What was uploaded; what is stored is always JPEG. */
  original_format: PhotoFormat;
  uploaded_by_staff_id: number | null;
  created_at: Generated<Date>;
}

/** An Open311 client's media_url: a link, recorded and shown, never fetched. */
export interface CaseMediaLinksTable {
  id: Generated<number>;
  case_id: number;
  url: string;
  created_at: Generated<Date>;
}

/** Someone told of a case's public updates who did not report it: by account, or by a confirmed email. */
export interface CaseFollowersTable {
  id: Generated<number>;
  case_id: number;
  email: string | null;
  citizen_id: number | null;
  /** The hash of the emailed confirmation link's token; the link works until the follow is confirmed. */
  token_hash: string | null;
  confirmed_at: Date | null;
  /** The key of the "stop following" link in every email: it ends this follow and does nothing else. */
  stop_key: string;
  created_at: Generated<Date>;
}

/** An employer's recruitment settings (migration 0027); an employer without a row has the defaults. */
export interface RecruitmentEmployerSettingsTable {
  organisation_id: number;
  requires_approval: Generated<boolean>;
  anonymise_by_default: Generated<boolean>;
  retention_months: Generated<number>;
  paper_pack_cost_pence: Generated<number>;
  updated_at: Generated<Date>;
}

/** What staff decided of a vacancy; scheduled, live and past its deadline are read from its times. */
export type VacancyStatus =
  'draft' | 'awaiting_approval' | 'published' | 'closed' | 'appointed' | 'not_filled' | 'cancelled';
export type SalaryPeriod = 'annual' | 'hourly';
export type WorkingPattern = 'full_time' | 'part_time';
export type ContractType = 'permanent' | 'fixed_term' | 'temporary' | 'casual' | 'apprenticeship';

export interface VacanciesTable {
  id: Generated<number>;
  slug: string;
  organisation_id: number;
  title: string;
  service_area: Generated<string>;
  location_name: Generated<string>;
  postcode: string | null;
  latitude: number | null;
  longitude: number | null;
  salary_min_pence: number | null;
  salary_max_pence: number | null;
  salary_period: Generated<SalaryPeriod>;
  grade: Generated<string>;
  /** numeric(4,1): pg returns it as a string. */
  hours_per_week: ColumnType<string | null, number | string | null, number | string | null>;
  working_pattern: Generated<WorkingPattern>;
  contract_type: Generated<ContractType>;
  description: Generated<string>;
  status: Generated<VacancyStatus>;
  publish_at: Date | null;
  closes_at: Date;
  posted_at: Date | null;
  closed_at: Date | null;
  closed_reason: string | null;
  anonymised_shortlisting: Generated<boolean>;
  requires_dbs: Generated<boolean>;
  hiring_manager_staff_id: number | null;
  created_by_staff_id: number | null;
  approved_by_staff_id: number | null;
  approved_at: Date | null;
  copied_from_vacancy_id: number | null;
  created_at: Generated<Date>;
  updated_at: Generated<Date>;
  /** Generated by the database from the title, service area, location and description. */
  search_vector: ColumnType<string, never, never>;
}

export interface VacancyCriteriaTable {
  id: Generated<number>;
  vacancy_id: number;
  position: number;
  kind: 'essential' | 'desirable';
  text: string;
}

export type VacancyDocumentKind = 'job_description' | 'person_specification' | 'other';

export interface VacancyDocumentsTable {
  id: Generated<number>;
  vacancy_id: number;
  kind: VacancyDocumentKind;
  file_name: string;
  content_type: string;
  size_bytes: number;
  bytes: Uint8Array;
  created_at: Generated<Date>;
}

export interface VacancyDeadlineChangesTable {
  id: Generated<number>;
  vacancy_id: number;
  previous_closes_at: Date;
  new_closes_at: Date;
  reason: string;
  staff_id: number | null;
  created_at: Generated<Date>;
}

export interface VacancyPanelMembersTable {
  vacancy_id: number;
  staff_id: number;
}

export interface InterviewSlotsTable {
  id: Generated<number>;
  vacancy_id: number;
  starts_at: Date;
  minutes: Generated<number>;
  place: Generated<string>;
  booked_application_id: number | null;
  created_at: Generated<Date>;
}

/** A JSON column: written as text by Kysely (JSON.stringify), read back parsed by both drivers. */
type JsonColumn<T> = ColumnType<T, string | undefined, string>;

export interface ApplicantProfilesTable {
  citizen_id: number;
  personal: JsonColumn<Record<string, unknown>>;
  employment_history: JsonColumn<Record<string, unknown>[]>;
  qualifications: JsonColumn<Record<string, unknown>[]>;
  referees: JsonColumn<Record<string, unknown>[]>;
  updated_at: Generated<Date>;
}

export interface SavedJobsTable {
  citizen_id: number;
  vacancy_id: number;
  closing_reminder_sent_at: Date | null;
  created_at: Generated<Date>;
}

export const applicationStatuses = [
  'draft',
  'submitted',
  'shortlisted',
  'reserve',
  'unsuccessful',
  'interview_invited',
  'interview_booked',
  'interviewed',
  'conditional_offer',
  'offer_accepted',
  'offer_declined',
  'pre_employment_checks',
  'appointed',
  'withdrawn',
  'vacancy_cancelled',
] as const;
export type ApplicationStatus = (typeof applicationStatuses)[number];
export type GuaranteedInterviewScheme = 'disability_confident' | 'care_leaver' | 'armed_forces';

export interface ApplicationsTable {
  id: Generated<number>;
  vacancy_id: number;
  citizen_id: number | null;
  channel: Generated<'online' | 'paper'>;
  status: Generated<ApplicationStatus>;
  personal: JsonColumn<Record<string, unknown>>;
  employment_history: JsonColumn<Record<string, unknown>[]>;
  qualifications: JsonColumn<Record<string, unknown>[]>;
  referees: JsonColumn<Record<string, unknown>[]>;
  /** The evidence against each criterion, by the criterion's id. */
  criteria_answers: JsonColumn<Record<string, string>>;
  supporting_statement: Generated<string>;
  adjustments: Generated<string>;
  guaranteed_interview: ColumnType<GuaranteedInterviewScheme[], GuaranteedInterviewScheme[] | undefined>;
  sections_completed: ColumnType<string[], string[] | undefined>;
  submitted_at: Date | null;
  status_changed_at: Generated<Date>;
  closing_reminder_sent_at: Date | null;
  retention_warning_sent_at: Date | null;
  created_at: Generated<Date>;
  updated_at: Generated<Date>;
}

export interface ApplicationEventsTable {
  id: Generated<number>;
  application_id: number;
  from_status: ApplicationStatus | null;
  to_status: ApplicationStatus;
  staff_id: number | null;
  reason: string | null;
  created_at: Generated<Date>;
}

export interface ShortlistScoresTable {
  application_id: number;
  criterion_id: number;
  staff_id: number;
  score: number;
  note: Generated<string>;
  updated_at: Generated<Date>;
}

export interface ReferenceRequestsTable {
  id: Generated<number>;
  application_id: number;
  referee_name: string;
  referee_email: string;
  token_hash: string;
  requested_at: Generated<Date>;
  received_at: Date | null;
  response: JsonColumn<Record<string, unknown>> | null;
}

export interface PreEmploymentChecksTable {
  application_id: number;
  right_to_work_confirmed_at: Date | null;
  right_to_work_staff_id: number | null;
  dbs_cleared_at: Date | null;
  dbs_staff_id: number | null;
}

/** Protected characteristics, each a code, 'prefer_not_to_say', or null when not answered. Read only in aggregate. */
export interface EqualityMonitoringTable {
  application_id: number;
  vacancy_id: number;
  age_band: string | null;
  disability: string | null;
  gender_reassignment: string | null;
  marriage_civil_partnership: string | null;
  pregnancy_maternity: string | null;
  ethnic_group: string | null;
  religion_belief: string | null;
  sex: string | null;
  sexual_orientation: string | null;
  created_at: Generated<Date>;
}

export interface RecruitmentMessageTemplatesTable {
  organisation_id: number;
  stage: ApplicationStatus;
  subject: string;
  body: string;
  updated_at: Generated<Date>;
}

export interface JobAlertsTable {
  id: Generated<number>;
  citizen_id: number;
  /** The search, as /jobs's query string. */
  query: string;
  frequency: 'daily' | 'weekly';
  unsubscribe_key: string;
  confirmed_at: Generated<Date>;
  lapse_warning_sent_at: Date | null;
  lapsed_at: Date | null;
  last_sent_at: Date | null;
  created_at: Generated<Date>;
}
