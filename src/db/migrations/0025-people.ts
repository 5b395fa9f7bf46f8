import { sql, type Kysely } from 'kysely';

/**
 * The customer view: one record of each person the partnership deals with (name, contact details,
 * address, how they like to be contacted, what they need to be able to), linked to every case of
 * theirs at every partner. Staff find a person by name (trigram similarity, so "Jon Smyth" finds
 * John Smith), email, phone, postcode or a case's reference, and merge two records found to be one
 * person; a merged record keeps its row, pointing at the one it became, so the audit still reads.
 *
 * Existing cases are linked as new ones will be: a resident's account is one person, so is one email
 * address; a case with neither (a phone number or a name only) is a person of its own, since a shared
 * phone or a common name is not proof of one person. Staff merge those they find to be the same.
 */
export async function up(db: Kysely<unknown>): Promise<void> {
  await sql`create extension if not exists pg_trgm`.execute(db);
  await sql`
    create table people (
      id integer generated always as identity primary key,
      name text not null default '',
      email text,
      phone text,
      -- The phone number's digits in the national form (07700900982 for +44 7700 900982): searched exactly.
      phone_digits text,
      address text not null default '',
      postcode text,
      preferred_channel text check (preferred_channel in ('email', 'phone', 'letter', 'text_message', 'face_to_face')),
      -- Accessibility or language needs, as the person put them: "large print", "BSL interpreter".
      needs text not null default '',
      citizen_id integer unique references citizens (id),
      merged_into_person_id integer references people (id),
      created_at timestamptz not null default now(),
      updated_at timestamptz not null default now(),
      check (merged_into_person_id is null or merged_into_person_id <> id)
    )`.execute(db);
  await sql`create index people_name_trigrams on people using gin (lower(name) gin_trgm_ops)`.execute(db);
  await sql`create index people_email on people (lower(email))`.execute(db);
  await sql`create index people_phone on people (phone_digits)`.execute(db);
  await sql`create index people_postcode on people (postcode)`.execute(db);

  await sql`alter table cases add column person_id integer references people (id)`.execute(db);
  await sql`create index cases_person on cases (person_id)`.execute(db);

  // A resident's account: one person.
  await sql`
    insert into people (citizen_id, name, email, phone, phone_digits, created_at)
    select citizens.id, citizens.name, citizens.email, citizens.phone, null, min(cases.created_at)
    from cases join citizens on citizens.id = cases.citizen_id
    group by citizens.id`.execute(db);
  await sql`
    update cases set person_id = people.id from people
    where cases.citizen_id is not null and people.citizen_id = cases.citizen_id`.execute(db);
  // One email address: one person, with the details of their latest case.
  await sql`
    insert into people (name, email, phone, postcode, created_at)
    select distinct on (lower(contact_email)) coalesce(contact_name, ''), lower(contact_email), contact_phone, postcode,
      min(created_at) over (partition by lower(contact_email))
    from cases
    where person_id is null and contact_email is not null
    order by lower(contact_email), created_at desc`.execute(db);
  await sql`
    update cases set person_id = people.id from people
    where cases.person_id is null and people.citizen_id is null and lower(cases.contact_email) = people.email`.execute(
    db,
  );
  // Anyone else who left a name or a phone number: a person each case.
  await sql`alter table people add column from_case_id integer`.execute(db);
  await sql`
    insert into people (name, phone, postcode, created_at, from_case_id)
    select coalesce(contact_name, ''), contact_phone, postcode, created_at, id
    from cases
    where person_id is null and (contact_name is not null or contact_phone is not null)`.execute(db);
  await sql`
    update cases set person_id = people.id from people where people.from_case_id = cases.id`.execute(db);
  await sql`alter table people drop column from_case_id`.execute(db);
  await sql`
    update people
    set phone_digits = nullif(regexp_replace(regexp_replace(replace(phone, '(0)', ''), '[^0-9]', '', 'g'), '^(00)?44(?=[0-9]{9})', '0'), '')
    where phone is not null`.execute(db); // as src/shared/phone.ts does
}
