import type { Kysely } from 'kysely';
import type { Database, OrganisationType, StaffRole } from '../schema.js';
import { generatePassword, hashPassword } from '../../modules/identity/secrets.js';
import { seedDemoCases } from './demo-cases.js';
import { seedAdviserClients } from './demo-advice.js';
import { seedDemoRecruitment } from './demo-recruitment.js';

/** The services Citizens Advice's casework agreement covers (LGSL): Council Tax and benefits enquiries. */
const adviceServices = { councilTax: 58, benefits: 69 };

/**
 * A demo partnership for the embedded default, so a newcomer can sign in and look around: partner
 * bodies beside the councils, a member of staff for each role, a resident, agreements, projects, and
 * some 300 requests from every channel.
 * Passwords are generated here and printed once; only their hashes are kept. Never run in production.
 */
export async function seedDemo(
  db: Kysely<Database>,
  partnershipSlug: string,
  print: (text: string) => void,
): Promise<void> {
  const done = await db
    .selectFrom('reference_imports')
    .select('dataset')
    .where('dataset', '=', 'demo')
    .executeTakeFirst();
  if (done) return;

  const credentials: { who: string; email: string; password: string }[] = [];
  await db.transaction().execute(async (trx) => {
    const partnership = await trx
      .selectFrom('partnerships')
      .select('id')
      .where('slug', '=', partnershipSlug)
      .executeTakeFirstOrThrow();
    const councils = await trx
      .selectFrom('organisations')
      .select(['id', 'gss', 'name'])
      .where('type', '=', 'council')
      .execute();
    const council = (gss: string) => {
      const found = councils.find((row) => row.gss === gss);
      if (!found) throw new Error(`Demo data names an unknown council: ${gss}`);
      return found.id;
    };

    const partnerBodies: { slug: string; name: string; type: OrganisationType; email_domain: string }[] = [
      {
        slug: 'citizens-advice-derbyshire-districts',
        name: 'Citizens Advice Derbyshire Districts',
        type: 'advice_agency',
        email_domain: 'cadd.example',
      },
      {
        slug: 'derbyshire-constabulary',
        name: 'Derbyshire Constabulary',
        type: 'police',
        email_domain: 'police.example',
      },
      {
        slug: 'derbyshire-community-health-services',
        name: 'Derbyshire Community Health Services NHS Foundation Trust',
        type: 'health',
        email_domain: 'nhs.example',
      },
    ];
    const bodyIds: Record<string, number> = {};
    for (const body of partnerBodies) {
      const { id } = await trx
        .insertInto('organisations')
        .values({ ...body, tier: null, gss: null, parent_gss: null, homepage_url: null })
        .returning('id')
        .executeTakeFirstOrThrow();
      bodyIds[body.slug] = id;
      await trx
        .insertInto('partnership_members')
        .values({ partnership_id: partnership.id, organisation_id: id })
        .execute();
    }
    const citizensAdvice = bodyIds['citizens-advice-derbyshire-districts'];

    const staff: { name: string; email: string; organisationId: number; roles: StaffRole[] }[] = [
      {
        name: 'Priya Patel',
        email: 'partnership.admin@derbyshire.example',
        organisationId: council('E10000007'),
        roles: ['partnership_admin'],
      },
      {
        name: 'Owen Jones',
        email: 'organisation.admin@ambervalley.example',
        organisationId: council('E07000032'),
        roles: ['organisation_admin'],
      },
      {
        name: 'Chloe Brown',
        email: 'agent@derby.example',
        organisationId: council('E06000015'),
        roles: ['contact_centre_agent'],
      },
      {
        name: 'Sam Taylor',
        email: 'officer@derbyshiredales.example',
        organisationId: council('E07000035'),
        roles: ['service_officer'],
      },
      {
        name: 'Mo Khan',
        email: 'manager@derbyshire.example',
        organisationId: council('E10000007'),
        roles: ['service_manager'],
      },
      {
        name: 'Rachel Green',
        email: 'recruiter@chesterfield.example',
        organisationId: council('E07000034'),
        roles: ['recruiter'],
      },
      {
        name: 'Alex Morgan',
        email: 'analyst@derbyshire.example',
        organisationId: council('E10000007'),
        roles: ['analyst'],
      },
      {
        name: 'Jo Williams',
        email: 'adviser@cadd.example',
        organisationId: citizensAdvice,
        roles: ['partner_adviser'],
      },
    ];
    for (const member of staff) {
      const password = generatePassword();
      await trx
        .insertInto('staff')
        .values({
          organisation_id: member.organisationId,
          email: member.email,
          name: member.name,
          roles: member.roles,
          password_hash: await hashPassword(password),
        })
        .execute();
      credentials.push({
        who: `${member.name}, ${member.roles.join(', ').replace(/_/g, ' ')}`,
        email: member.email,
        password,
      });
    }

    const residentPassword = generatePassword();
    await trx
      .insertInto('citizens')
      .values({
        email: 'resident@example.com',
        name: 'Ada Resident',
        phone: '01629 580000',
        password_hash: await hashPassword(residentPassword),
        email_verified_at: new Date(),
      })
      .execute();
    credentials.push({
      who: 'Ada Resident, a resident (sign in at /account/sign-in)',
      email: 'resident@example.com',
      password: residentPassword,
    });

    // The partnership's own district councils (the demo is Derbyshire's, as its data file is).
    const derbyshireDistricts = [
      'E07000032',
      'E07000033',
      'E07000034',
      'E07000035',
      'E07000036',
      'E07000037',
      'E07000038',
      'E07000039',
    ].map(council);
    // Written as information-sharing agreements are: for a purpose, sharing named categories of data
    // with named roles, on a relationship test. No one browses another body's cases under any of them.
    const agreements = [
      {
        title: 'Contact centre enquiries across Derbyshire',
        purpose: 'cases' as const,
        purpose_statement: 'Contact centre enquiries',
        parties: [council('E10000007'), ...derbyshireDistricts, council('E06000015')],
        lgsl: [],
        categories: ['status_reference' as const],
        receiving_roles: ['contact_centre_agent' as const],
        relationship: 'caller_verified' as const,
      },
      {
        title: 'Citizens Advice casework for benefits and Council Tax',
        purpose: 'cases' as const,
        purpose_statement: 'Advice casework',
        parties: [citizensAdvice, ...derbyshireDistricts, council('E06000015')],
        lgsl: [adviceServices.councilTax, adviceServices.benefits],
        categories: ['status_reference' as const, 'location_description' as const, 'contact_details' as const],
        receiving_roles: ['partner_adviser' as const],
        relationship: 'client_consent' as const,
      },
      {
        title: 'Shared performance figures',
        purpose: 'insight' as const,
        purpose_statement: 'Performance figures',
        parties: [council('E10000007'), council('E06000015'), ...derbyshireDistricts],
        lgsl: [],
        categories: ['status_reference' as const],
        receiving_roles: ['analyst' as const, 'service_manager' as const],
        relationship: 'figures_only' as const,
      },
    ];
    for (const { parties, lgsl, ...agreement } of agreements) {
      const { id } = await trx
        .insertInto('data_sharing_agreements')
        .values({
          ...agreement,
          covers_all_services: lgsl.length === 0,
          valid_from: '2026-04-01',
          valid_to: null,
          status: 'active',
        })
        .returning('id')
        .executeTakeFirstOrThrow();
      await trx
        .insertInto('agreement_parties')
        .values(parties.map((organisationId) => ({ agreement_id: id, organisation_id: organisationId })))
        .execute();
      if (lgsl.length > 0)
        await trx
          .insertInto('agreement_services')
          .values(lgsl.map((service) => ({ agreement_id: id, lgsl: service })))
          .execute();
    }

    const otherPartnerships = [
      {
        slug: 'east-midlands-centre-of-excellence',
        name: 'East Midlands Centre of Excellence',
        kind: 'regional' as const,
        members: [council('E10000007'), council('E06000015'), council('E07000039')],
      },
      {
        slug: 'derby-website-and-cms',
        name: 'Derby Website and Content Management System Partnership',
        kind: 'local' as const,
        members: [council('E06000015'), council('E07000039')],
      },
    ];
    for (const other of otherPartnerships) {
      const { id } = await trx
        .insertInto('partnerships')
        .values({ slug: other.slug, name: other.name, kind: other.kind, description: '' })
        .returning('id')
        .executeTakeFirstOrThrow();
      await trx
        .insertInto('partnership_members')
        .values(other.members.map((organisationId) => ({ partnership_id: id, organisation_id: organisationId })))
        .execute();
    }

    const projects = [
      {
        name: 'e-Recruitment',
        summary: 'Apply for any partner’s jobs online, 24/7, with saved details and alerts.',
        status: 'completed' as const,
        starts_on: '2004-04-01',
        ends_on: '2005-03-31',
        expected_cashable_pence: 7_500_000,
        realised_cashable_pence: 9_000_000,
        realised_other: 'Less paper: application packs no longer printed and posted.',
        members: [council('E10000007')],
        lessons: [
          {
            outcome: 'worked' as const,
            lesson: 'Letting applicants save and return to an application raised completion.',
          },
          {
            outcome: 'did_not_work' as const,
            lesson:
              'Paper packs kept on request for too long: take-up of online applications stalled until they were withdrawn.',
          },
        ],
      },
      {
        name: 'A-Z portal',
        summary: 'One A to Z of services across both tiers, routing residents to the right council.',
        status: 'completed' as const,
        starts_on: '2003-09-01',
        ends_on: '2004-12-31',
        expected_cashable_pence: 0,
        realised_cashable_pence: 0,
        realised_other: 'Fewer calls transferred between county and districts.',
        members: [council('E10000007'), ...derbyshireDistricts, council('E06000015')],
        lessons: [
          {
            outcome: 'worked' as const,
            lesson: 'Agreeing the service list (LGSL) first let every partner map its pages in weeks.',
          },
        ],
      },
      {
        name: 'Combined CRM',
        summary: 'One record of every request from every channel, shared between partners.',
        status: 'active' as const,
        starts_on: '2026-04-01',
        ends_on: null,
        expected_cashable_pence: 25_000_000,
        realised_cashable_pence: 0,
        realised_other: '',
        members: [council('E10000007'), ...derbyshireDistricts, council('E06000015'), citizensAdvice],
        lessons: [],
      },
    ];
    for (const project of projects) {
      const { members, lessons, ...fields } = project;
      const { id } = await trx
        .insertInto('partnership_projects')
        .values({ ...fields, partnership_id: partnership.id })
        .returning('id')
        .executeTakeFirstOrThrow();
      await trx
        .insertInto('project_members')
        .values(members.map((organisationId) => ({ project_id: id, organisation_id: organisationId })))
        .execute();
      for (const lesson of lessons)
        await trx
          .insertInto('project_lessons')
          .values({ project_id: id, ...lesson })
          .execute();
    }

    const partnershipRow = await trx
      .selectFrom('partnerships')
      .select('reference_prefix')
      .where('id', '=', partnership.id)
      .executeTakeFirstOrThrow();
    const now = new Date();
    await seedDemoCases(trx, { now, referencePrefix: partnershipRow.reference_prefix });
    await seedAdviserClients(trx, {
      adviserEmail: 'adviser@cadd.example',
      services: [adviceServices.councilTax, adviceServices.benefits],
      now,
    });
    credentials.push(
      ...(await seedDemoRecruitment(trx, { now, council, recruiterEmail: 'recruiter@chesterfield.example' })),
    );

    await trx
      .insertInto('reference_imports')
      .values({ dataset: 'demo', checksum: 'demo', row_count: credentials.length })
      .execute();
  });

  const width = Math.max(...credentials.map((entry) => entry.email.length));
  print(
    [
      '',
      'Demo accounts — these passwords are shown once and stored nowhere. Staff sign in at /staff/sign-in.',
      ...credentials.map((entry) => `  ${entry.email.padEnd(width)}  ${entry.password}   ${entry.who}`),
      '',
    ].join('\n'),
  );
}
