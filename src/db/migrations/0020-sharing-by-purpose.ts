import { sql, type Kysely } from 'kysely';

/**
 * Sharing by purpose, as information-sharing agreements are written. An agreement says what the
 * sharing is for, which categories of data it shares, which roles of the receiving bodies may use
 * them, and the relationship test a member of staff passes for each record: the client's consent,
 * or a caller who gives and verifies their reference. Before this, an agreement let every member
 * of staff with case access in one body read every covered case of the other, contact details too.
 *
 * Agreements made before it get the narrowest scope there is, so nothing widens: status and
 * reference only, for contact-centre agents only, for a caller who is verified. An administrator
 * who wants more ends the agreement and makes another with the scope written down.
 *
 * A consent is scoped to the organisation that may see the case (the recording adviser's), ends on
 * a day (a year after it was given, for consents recorded before), and can be withdrawn by the
 * adviser or the resident. A caller's verification is recorded, succeeded or not: a success lets
 * that member of staff see that one case until it expires.
 *
 * A question of a request type can be marked special category (health, say): its answers are shown
 * to another body only when the agreement shares special-category data.
 */
export async function up(db: Kysely<unknown>): Promise<void> {
  await sql`
    alter table data_sharing_agreements
      add column purpose_statement text not null default '',
      add column categories text[] not null default '{status_reference}',
      add column receiving_roles text[] not null default '{contact_centre_agent}',
      add column relationship text not null default 'caller_verified'`.execute(db);
  await sql`update data_sharing_agreements set purpose_statement = 'Contact centre enquiries' where purpose_statement = ''`.execute(
    db,
  );
  await sql`
    alter table data_sharing_agreements
      add constraint data_sharing_agreements_categories check (
        cardinality(categories) > 0
        and categories <@ array['status_reference', 'location_description', 'contact_details', 'special_category']::text[]
        and 'status_reference' = any (categories)),
      add constraint data_sharing_agreements_receiving_roles check (
        cardinality(receiving_roles) > 0
        and receiving_roles <@ array['partnership_admin', 'organisation_admin', 'contact_centre_agent', 'service_officer', 'service_manager', 'recruiter', 'analyst', 'partner_adviser']::text[]),
      add constraint data_sharing_agreements_relationship check (relationship in ('client_consent', 'caller_verified', 'figures_only'))`.execute(
    db,
  );

  await sql`
    alter table case_consents
      add column organisation_id integer references organisations (id),
      add column expires_on date,
      add column withdrawn_at timestamptz,
      add column withdrawn_by text,
      add column withdrawn_by_staff_id integer references staff (id)`.execute(db);
  await sql`update case_consents set organisation_id = staff.organisation_id from staff where staff.id = case_consents.recorded_by_staff_id`.execute(
    db,
  );
  await sql`update case_consents set expires_on = (given_on + interval '1 year')::date`.execute(db);
  await sql`
    alter table case_consents
      alter column organisation_id set not null,
      alter column expires_on set not null,
      add constraint case_consents_expiry check (expires_on >= given_on),
      add constraint case_consents_withdrawal check (
        (withdrawn_at is null and withdrawn_by is null and withdrawn_by_staff_id is null)
        or (withdrawn_at is not null and (withdrawn_by = 'resident' and withdrawn_by_staff_id is null or withdrawn_by = 'staff' and withdrawn_by_staff_id is not null)))`.execute(
    db,
  );

  await sql`
    create table case_caller_checks (
      id bigint generated always as identity primary key,
      staff_id integer not null references staff (id),
      -- Empty when the reference given is no case at all: the try still counts.
      case_id integer references cases (id),
      agreement_id integer references data_sharing_agreements (id),
      checked_at timestamptz not null,
      succeeded boolean not null,
      -- Until when the member of staff may see the case; set only for a success.
      expires_at timestamptz,
      check (succeeded = (expires_at is not null)),
      check (not succeeded or (case_id is not null and agreement_id is not null))
    )`.execute(db);
  await sql`create index case_caller_checks_by_staff on case_caller_checks (staff_id, checked_at)`.execute(db);

  await sql`alter table request_type_questions add column special_category boolean not null default false`.execute(db);
}
