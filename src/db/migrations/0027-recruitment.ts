import { sql, type Kysely } from 'kysely';

/**
 * e-Recruitment for every partner employer (docs/recruitment.md). A vacancy's stored status is what
 * staff decided (draft, awaiting approval, published, closed early, appointed, not filled,
 * cancelled); whether a published vacancy is scheduled, live or past its deadline is read from its
 * times, so nothing has to run at the deadline for the vacancy to close.
 *
 * An application is one row from its first saved answer (a draft) to its last stage; equality
 * monitoring is in a table of its own that only the aggregate reports read.
 */
export async function up(db: Kysely<unknown>): Promise<void> {
  await sql`
    create table recruitment_employer_settings (
      organisation_id integer primary key references organisations (id),
      -- A vacancy of this employer needs a second member of staff's approval before it can be published.
      requires_approval boolean not null default false,
      -- New vacancies shortlist anonymised applications unless the recruiter chooses otherwise.
      anonymise_by_default boolean not null default true,
      -- Applications of unsuccessful applicants are deleted this many months after the vacancy closes.
      retention_months integer not null default 6 check (retention_months between 1 and 120),
      -- What one paper application pack cost to print and post, for the "paper saved" figure.
      paper_pack_cost_pence integer not null default 450 check (paper_pack_cost_pence >= 0),
      updated_at timestamptz not null default now()
    )`.execute(db);

  await sql`
    create table vacancies (
      id integer generated always as identity primary key,
      -- The address of the vacancy's page: /jobs/{slug}, made from the title and the id.
      slug text not null unique,
      organisation_id integer not null references organisations (id),
      title text not null,
      service_area text not null default '',
      location_name text not null default '',
      postcode text,
      latitude double precision,
      longitude double precision,
      salary_min_pence integer check (salary_min_pence >= 0),
      salary_max_pence integer check (salary_max_pence >= salary_min_pence),
      salary_period text not null default 'annual' check (salary_period in ('annual', 'hourly')),
      grade text not null default '',
      hours_per_week numeric(4, 1) check (hours_per_week > 0 and hours_per_week <= 60),
      working_pattern text not null default 'full_time' check (working_pattern in ('full_time', 'part_time')),
      contract_type text not null default 'permanent'
        check (contract_type in ('permanent', 'fixed_term', 'temporary', 'casual', 'apprenticeship')),
      description text not null default '',
      status text not null default 'draft'
        check (status in ('draft', 'awaiting_approval', 'published', 'closed', 'appointed', 'not_filled', 'cancelled')),
      -- When a published vacancy goes live (scheduled until then) and when applications close.
      publish_at timestamptz,
      closes_at timestamptz not null,
      -- The first time it went live: schema.org's datePosted.
      posted_at timestamptz,
      closed_at timestamptz,
      closed_reason text,
      anonymised_shortlisting boolean not null default true,
      requires_dbs boolean not null default false,
      hiring_manager_staff_id integer references staff (id),
      created_by_staff_id integer references staff (id),
      approved_by_staff_id integer references staff (id),
      approved_at timestamptz,
      copied_from_vacancy_id integer references vacancies (id),
      created_at timestamptz not null default now(),
      updated_at timestamptz not null default now(),
      search_vector tsvector generated always as (
        setweight(to_tsvector('english', coalesce(title, '')), 'A') ||
        setweight(to_tsvector('english', coalesce(service_area, '') || ' ' || coalesce(location_name, '')), 'B') ||
        setweight(to_tsvector('english', coalesce(description, '')), 'C')
      ) stored
    )`.execute(db);
  await sql`create index vacancies_search on vacancies using gin (search_vector)`.execute(db);
  await sql`create index vacancies_open on vacancies (closes_at) where status = 'published'`.execute(db);
  await sql`create index vacancies_organisation on vacancies (organisation_id, status)`.execute(db);

  await sql`
    create table vacancy_criteria (
      id integer generated always as identity primary key,
      vacancy_id integer not null references vacancies (id) on delete cascade,
      position integer not null,
      kind text not null check (kind in ('essential', 'desirable')),
      text text not null,
      unique (vacancy_id, position)
    )`.execute(db);

  await sql`
    create table vacancy_documents (
      id integer generated always as identity primary key,
      vacancy_id integer not null references vacancies (id) on delete cascade,
      kind text not null check (kind in ('job_description', 'person_specification', 'other')),
      file_name text not null,
      content_type text not null,
      size_bytes integer not null,
      bytes bytea not null,
      created_at timestamptz not null default now()
    )`.execute(db);
  await sql`create index vacancy_documents_vacancy on vacancy_documents (vacancy_id)`.execute(db);

  await sql`
    create table vacancy_deadline_changes (
      id integer generated always as identity primary key,
      vacancy_id integer not null references vacancies (id) on delete cascade,
      previous_closes_at timestamptz not null,
      new_closes_at timestamptz not null,
      reason text not null,
      staff_id integer references staff (id),
      created_at timestamptz not null default now()
    )`.execute(db);

  // The shortlisting panel: members of staff of the employer who score every application.
  await sql`
    create table vacancy_panel_members (
      vacancy_id integer not null references vacancies (id) on delete cascade,
      staff_id integer not null references staff (id),
      primary key (vacancy_id, staff_id)
    )`.execute(db);

  await sql`
    create table interview_slots (
      id integer generated always as identity primary key,
      vacancy_id integer not null references vacancies (id) on delete cascade,
      starts_at timestamptz not null,
      minutes integer not null default 45 check (minutes > 0),
      place text not null default '',
      booked_application_id integer unique,
      created_at timestamptz not null default now()
    )`.execute(db);
  await sql`create index interview_slots_vacancy on interview_slots (vacancy_id, starts_at)`.execute(db);

  // The details an applicant reuses in every application: each list is an array of objects (docs/recruitment.md).
  await sql`
    create table applicant_profiles (
      citizen_id integer primary key references citizens (id),
      personal jsonb not null default '{}',
      employment_history jsonb not null default '[]',
      qualifications jsonb not null default '[]',
      referees jsonb not null default '[]',
      updated_at timestamptz not null default now()
    )`.execute(db);

  await sql`
    create table saved_jobs (
      citizen_id integer not null references citizens (id),
      vacancy_id integer not null references vacancies (id) on delete cascade,
      closing_reminder_sent_at timestamptz,
      created_at timestamptz not null default now(),
      primary key (citizen_id, vacancy_id)
    )`.execute(db);

  await sql`
    create table applications (
      id integer generated always as identity primary key,
      vacancy_id integer not null references vacancies (id),
      -- The applicant's account; none for a paper application a recruiter recorded.
      citizen_id integer references citizens (id),
      channel text not null default 'online' check (channel in ('online', 'paper')),
      status text not null default 'draft' check (status in (
        'draft', 'submitted', 'shortlisted', 'reserve', 'unsuccessful', 'interview_invited', 'interview_booked',
        'interviewed', 'conditional_offer', 'offer_accepted', 'offer_declined', 'pre_employment_checks',
        'appointed', 'withdrawn', 'vacancy_cancelled')),
      -- Copied from the profile when the application starts, then the applicant's own for this job.
      personal jsonb not null default '{}',
      employment_history jsonb not null default '[]',
      qualifications jsonb not null default '[]',
      referees jsonb not null default '[]',
      -- The applicant's evidence against each criterion: { "<criterion id>": "text" }.
      criteria_answers jsonb not null default '{}',
      supporting_statement text not null default '',
      adjustments text not null default '',
      -- Guaranteed-interview schemes the applicant declares: disability_confident, care_leaver, armed_forces.
      guaranteed_interview text[] not null default '{}',
      -- The task list: sections the applicant has marked as completed.
      sections_completed text[] not null default '{}',
      submitted_at timestamptz,
      status_changed_at timestamptz not null default now(),
      closing_reminder_sent_at timestamptz,
      retention_warning_sent_at timestamptz,
      created_at timestamptz not null default now(),
      updated_at timestamptz not null default now()
    )`.execute(db);
  await sql`create unique index applications_one_per_applicant on applications (vacancy_id, citizen_id) where citizen_id is not null`.execute(
    db,
  );
  await sql`create index applications_vacancy_status on applications (vacancy_id, status)`.execute(db);
  await sql`create index applications_citizen on applications (citizen_id)`.execute(db);
  await sql`alter table interview_slots add foreign key (booked_application_id) references applications (id) on delete set null`.execute(
    db,
  );

  // Every change of an application's stage, by whom and why: the pipeline's history and time to hire.
  await sql`
    create table application_events (
      id integer generated always as identity primary key,
      application_id integer not null references applications (id) on delete cascade,
      from_status text,
      to_status text not null,
      staff_id integer references staff (id),
      reason text,
      created_at timestamptz not null default now()
    )`.execute(db);
  await sql`create index application_events_application on application_events (application_id, created_at)`.execute(db);

  // Each panel member's score of each criterion, 0 (no evidence) to 3 (strong evidence).
  await sql`
    create table shortlist_scores (
      application_id integer not null references applications (id) on delete cascade,
      criterion_id integer not null references vacancy_criteria (id) on delete cascade,
      staff_id integer not null references staff (id),
      score integer not null check (score between 0 and 3),
      note text not null default '',
      updated_at timestamptz not null default now(),
      primary key (application_id, criterion_id, staff_id)
    )`.execute(db);

  await sql`
    create table reference_requests (
      id integer generated always as identity primary key,
      application_id integer not null references applications (id) on delete cascade,
      referee_name text not null,
      referee_email text not null,
      -- The hash of the emailed link's token: the referee answers without an account.
      token_hash text not null unique,
      requested_at timestamptz not null default now(),
      received_at timestamptz,
      response jsonb
    )`.execute(db);

  await sql`
    create table pre_employment_checks (
      application_id integer primary key references applications (id) on delete cascade,
      right_to_work_confirmed_at timestamptz,
      right_to_work_staff_id integer references staff (id),
      dbs_cleared_at timestamptz,
      dbs_staff_id integer references staff (id)
    )`.execute(db);

  // The Equality Act 2010's protected characteristics, each answer a code or 'prefer_not_to_say',
  // null when not answered. Kept apart from the application and read only in aggregate.
  await sql`
    create table equality_monitoring (
      application_id integer primary key references applications (id) on delete cascade,
      vacancy_id integer not null references vacancies (id),
      age_band text,
      disability text,
      gender_reassignment text,
      marriage_civil_partnership text,
      pregnancy_maternity text,
      ethnic_group text,
      religion_belief text,
      sex text,
      sexual_orientation text,
      created_at timestamptz not null default now()
    )`.execute(db);
  await sql`create index equality_monitoring_vacancy on equality_monitoring (vacancy_id)`.execute(db);

  // The email an applicant gets when their application reaches a stage, as an employer words it.
  await sql`
    create table recruitment_message_templates (
      organisation_id integer not null references organisations (id),
      stage text not null,
      subject text not null,
      body text not null,
      updated_at timestamptz not null default now(),
      primary key (organisation_id, stage)
    )`.execute(db);

  await sql`
    create table job_alerts (
      id integer generated always as identity primary key,
      citizen_id integer not null references citizens (id),
      -- The search, as /jobs's query string (keyword, employer, postcode and distance, ...).
      query text not null,
      frequency text not null check (frequency in ('daily', 'weekly')),
      -- The key of the one-click unsubscribe link in every alert email.
      unsubscribe_key text not null unique,
      -- Alerts not confirmed for 12 months lapse, after a warning.
      confirmed_at timestamptz not null default now(),
      lapse_warning_sent_at timestamptz,
      lapsed_at timestamptz,
      last_sent_at timestamptz,
      created_at timestamptz not null default now()
    )`.execute(db);
  await sql`create index job_alerts_citizen on job_alerts (citizen_id)`.execute(db);
}
