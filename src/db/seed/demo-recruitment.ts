import { createHash, randomBytes } from 'node:crypto';
import type { Transaction } from 'kysely';
import type { ApplicationStatus, Database } from '../schema.js';
import { generatePassword, hashPassword } from '../../modules/identity/secrets.js';

const DAY_MS = 86_400_000;

/** The way an application reached each stage: the events the demo writes for it, after the draft. */
const pathTo: Record<Exclude<ApplicationStatus, 'draft'>, ApplicationStatus[]> = {
  submitted: ['submitted'],
  shortlisted: ['submitted', 'shortlisted'],
  reserve: ['submitted', 'reserve'],
  unsuccessful: ['submitted', 'unsuccessful'],
  interview_invited: ['submitted', 'shortlisted', 'interview_invited'],
  interview_booked: ['submitted', 'shortlisted', 'interview_invited', 'interview_booked'],
  interviewed: ['submitted', 'shortlisted', 'interview_invited', 'interview_booked', 'interviewed'],
  conditional_offer: [
    'submitted',
    'shortlisted',
    'interview_invited',
    'interview_booked',
    'interviewed',
    'conditional_offer',
  ],
  offer_accepted: [
    'submitted',
    'shortlisted',
    'interview_invited',
    'interview_booked',
    'interviewed',
    'conditional_offer',
    'offer_accepted',
  ],
  offer_declined: [
    'submitted',
    'shortlisted',
    'interview_invited',
    'interview_booked',
    'interviewed',
    'conditional_offer',
    'offer_declined',
  ],
  pre_employment_checks: [
    'submitted',
    'shortlisted',
    'interview_invited',
    'interview_booked',
    'interviewed',
    'conditional_offer',
    'offer_accepted',
    'pre_employment_checks',
  ],
  appointed: [
    'submitted',
    'shortlisted',
    'interview_invited',
    'interview_booked',
    'interviewed',
    'conditional_offer',
    'offer_accepted',
    'pre_employment_checks',
    'appointed',
  ],
  withdrawn: ['submitted', 'withdrawn'],
  vacancy_cancelled: ['submitted', 'vacancy_cancelled'],
};
/** Stages at which the panel has scored the application against every criterion. */
const scored = new Set<ApplicationStatus>([
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
]);

interface DemoVacancy {
  key: string;
  gss: string;
  title: string;
  serviceArea: string;
  locationName: string;
  postcode: string;
  salary: [number, number];
  grade: string;
  hours: number;
  pattern: 'full_time' | 'part_time';
  contract: 'permanent' | 'fixed_term' | 'temporary' | 'casual' | 'apprenticeship';
  description: string;
  essential: string[];
  desirable: string[];
  requiresDbs: boolean;
  /** Days from now: negative in the past. */
  posted: number;
  closes: number;
  status: 'published' | 'closed' | 'appointed' | 'not_filled' | 'cancelled' | 'draft';
  closedReason?: string;
}

const vacancies: DemoVacancy[] = [
  {
    key: 'highways',
    gss: 'E10000007',
    title: 'Highways inspector',
    serviceArea: 'Highways',
    locationName: 'County Hall, Matlock',
    postcode: 'DE4 3AG',
    salary: [31_537, 34_434],
    grade: 'Grade 9',
    hours: 37,
    pattern: 'full_time',
    contract: 'permanent',
    description:
      'Inspect Derbyshire’s roads, footways and bridges to the Code of Practice, record defects on our asset system, and make sure repairs are ordered and made safe in time. You will answer reports from residents and councillors and work with contractors across the Dales and the High Peak.',
    essential: [
      'Experience of inspecting highways or another public asset',
      'A full UK driving licence and willingness to work outdoors in all weathers',
      'Able to use a tablet and mapping software to record what you find',
    ],
    desirable: ['A City & Guilds or LANTRA highway inspector qualification'],
    requiresDbs: false,
    posted: -6,
    closes: 15,
    status: 'published',
  },
  {
    key: 'housing',
    gss: 'E07000034',
    title: 'Housing officer',
    serviceArea: 'Housing',
    locationName: 'Town Hall, Chesterfield',
    postcode: 'S40 1LP',
    salary: [28_624, 31_364],
    grade: 'Band 7',
    hours: 37,
    pattern: 'full_time',
    contract: 'permanent',
    description:
      'Manage a patch of around 600 council homes in Chesterfield: new tenancies, visits, rent arrears, anti-social behaviour and estate walkabouts, working with tenants’ associations and partner agencies.',
    essential: [
      'Experience of housing management or a similar customer-facing role',
      'Able to handle difficult conversations calmly and fairly',
      'Good written English, for letters, notices and case notes',
    ],
    desirable: [
      'Knowledge of the Housing Act 1985 and the Anti-social Behaviour, Crime and Policing Act 2014',
      'A CIH qualification',
    ],
    requiresDbs: false,
    posted: -4,
    closes: 10,
    status: 'published',
  },
  {
    key: 'waste',
    gss: 'E07000037',
    title: 'Waste and recycling operative',
    serviceArea: 'Waste and recycling',
    locationName: 'Waterswallows depot, Buxton',
    postcode: 'SK17 6AB',
    salary: [24_027, 24_790],
    grade: 'Grade 3',
    hours: 37,
    pattern: 'full_time',
    contract: 'permanent',
    description:
      'Collect household waste and recycling across Buxton, Glossop and the villages of the High Peak as part of a crew. Early starts, all weathers, and a job residents notice when it is done well.',
    essential: ['Physically fit, able to walk long distances and lift bins', 'Able to work safely as part of a team'],
    desirable: ['A category C (HGV) driving licence'],
    requiresDbs: false,
    posted: -2,
    closes: 12,
    status: 'published',
  },
  {
    key: 'social-work',
    gss: 'E06000015',
    title: 'Social worker, adult services',
    serviceArea: 'Adult social care',
    locationName: 'The Council House, Derby',
    postcode: 'DE1 2PA',
    salary: [37_035, 41_511],
    grade: 'Grade 10',
    hours: 37,
    pattern: 'full_time',
    contract: 'permanent',
    description:
      'Assess and review the care and support needs of adults in Derby under the Care Act 2014, working with people, their families and health colleagues to keep them safe and independent at home.',
    essential: ['A social work degree and registration with Social Work England', 'Experience of Care Act assessments'],
    desirable: ['Best Interests Assessor training'],
    requiresDbs: true,
    posted: -8,
    closes: 20,
    status: 'published',
  },
  {
    key: 'customer-services',
    gss: 'E07000034',
    title: 'Customer services adviser',
    serviceArea: 'Customer services',
    locationName: 'Customer Service Centre, Chesterfield',
    postcode: 'S40 1LP',
    salary: [23_500, 24_294],
    grade: 'Band 4',
    hours: 22.5,
    pattern: 'part_time',
    contract: 'permanent',
    description:
      'Answer residents’ calls, emails and visits about Council Tax, benefits, bins and housing, resolving most at the first contact and recording each on the CRM.',
    essential: ['Experience of dealing with the public', 'Confident with computers and typing while you talk'],
    desirable: ['Knowledge of council services'],
    requiresDbs: false,
    posted: -30,
    closes: -3,
    status: 'published',
  },
  {
    key: 'grounds',
    gss: 'E07000034',
    title: 'Grounds maintenance operative',
    serviceArea: 'Parks and open spaces',
    locationName: 'Queen’s Park, Chesterfield',
    postcode: 'S40 4TQ',
    salary: [23_114, 23_500],
    grade: 'Band 3',
    hours: 37,
    pattern: 'full_time',
    contract: 'fixed_term',
    description: 'Mow, plant and look after Chesterfield’s parks, cemeteries and verges from spring to autumn.',
    essential: ['Experience of grounds maintenance or gardening'],
    desirable: ['PA1 and PA6 pesticide certificates'],
    requiresDbs: false,
    posted: -75,
    closes: -55,
    status: 'appointed',
  },
  {
    key: 'events',
    gss: 'E07000034',
    title: 'Events assistant',
    serviceArea: 'Culture and tourism',
    locationName: 'Chesterfield Market Hall',
    postcode: 'S40 1AR',
    salary: [12.45, 12.45],
    grade: 'Band 3',
    hours: 16,
    pattern: 'part_time',
    contract: 'casual',
    description: 'Help run the market’s events, from the Medieval Market to the Christmas lights switch-on.',
    essential: ['Friendly and reliable'],
    desirable: [],
    requiresDbs: false,
    posted: -20,
    closes: 5,
    status: 'cancelled',
    closedReason: 'The events programme was cut back for this season.',
  },
];

const applicants = [
  ['Amelia', 'Hughes'],
  ['Mohammed', 'Rahman'],
  ['Grace', 'Turner'],
  ['Liam', 'Walsh'],
  ['Sophie', 'Bennett'],
  ['Daniel', 'Clarke'],
  ['Hannah', 'Price'],
  ['Oliver', 'Shaw'],
  ['Priya', 'Sharma'],
  ['Tom', 'Fletcher'],
  ['Zara', 'Ahmed'],
  ['Ben', 'Holloway'],
  ['Ellie', 'Marsh'],
  ['Kacper', 'Nowak'],
] as const;

export interface DemoRecruitmentCredential {
  who: string;
  email: string;
  password: string;
}

/**
 * The recruitment demo: live vacancies from four partner employers, a closed one with applications
 * at every stage of the pipeline (events, panel scores, equality monitoring, interview slots, a
 * reference request), an appointed and a cancelled one, a hiring manager, and an applicant with a
 * profile, a saved job, a draft and a submitted application. Written in a few batched inserts, so
 * the first start stays quick.
 */
export async function seedDemoRecruitment(
  trx: Transaction<Database>,
  { now, council, recruiterEmail }: { now: Date; council: (gss: string) => number; recruiterEmail: string },
): Promise<DemoRecruitmentCredential[]> {
  const at = (days: number) => new Date(now.getTime() + days * DAY_MS);
  const chesterfield = council('E07000034');
  const recruiter = await trx
    .selectFrom('staff')
    .select('id')
    .where('email', '=', recruiterEmail)
    .executeTakeFirstOrThrow();

  const managerPassword = generatePassword();
  const applicantPassword = generatePassword();
  const [managerHash, applicantHash] = await Promise.all([
    hashPassword(managerPassword),
    hashPassword(applicantPassword),
  ]);
  const manager = await trx
    .insertInto('staff')
    .values({
      organisation_id: chesterfield,
      email: 'hiring.manager@chesterfield.example',
      name: 'Daniel Hughes',
      roles: ['service_manager'],
      password_hash: managerHash,
    })
    .returning('id')
    .executeTakeFirstOrThrow();
  const applicant = await trx
    .insertInto('citizens')
    .values({
      email: 'jobseeker@example.com',
      name: 'Jordan Seeker',
      phone: '01246 345345',
      password_hash: applicantHash,
      email_verified_at: now,
    })
    .returning('id')
    .executeTakeFirstOrThrow();

  const postcodes = await trx
    .selectFrom('postcodes')
    .select(['postcode', 'latitude', 'longitude'])
    .where(
      'postcode',
      'in',
      vacancies.map((vacancy) => vacancy.postcode),
    )
    .execute();
  const ids: Record<string, number> = {};
  const criteria: Record<string, number[]> = {};
  for (const vacancy of vacancies) {
    const point = postcodes.find((row) => row.postcode === vacancy.postcode);
    const chesterfieldJob = vacancy.gss === 'E07000034';
    const { id } = await trx
      .insertInto('vacancies')
      .values({
        slug: `demo-${vacancy.key}`,
        organisation_id: council(vacancy.gss),
        title: vacancy.title,
        service_area: vacancy.serviceArea,
        location_name: vacancy.locationName,
        postcode: vacancy.postcode,
        latitude: point?.latitude ?? null,
        longitude: point?.longitude ?? null,
        salary_min_pence: Math.round(vacancy.salary[0] * 100),
        salary_max_pence: Math.round(vacancy.salary[1] * 100),
        salary_period: vacancy.salary[0] < 100 ? 'hourly' : 'annual',
        grade: vacancy.grade,
        hours_per_week: vacancy.hours,
        working_pattern: vacancy.pattern,
        contract_type: vacancy.contract,
        description: vacancy.description,
        status: vacancy.status,
        closes_at: at(vacancy.closes),
        posted_at: at(vacancy.posted),
        closed_at: vacancy.status === 'cancelled' ? at(-1) : vacancy.status === 'appointed' ? at(vacancy.closes) : null,
        closed_reason: vacancy.closedReason ?? null,
        requires_dbs: vacancy.requiresDbs,
        hiring_manager_staff_id: chesterfieldJob ? manager.id : null,
        created_by_staff_id: chesterfieldJob ? recruiter.id : null,
        created_at: at(vacancy.posted - 2),
        updated_at: at(vacancy.posted),
      })
      .returning('id')
      .executeTakeFirstOrThrow();
    ids[vacancy.key] = id;
    // The slug as the service makes it: the title and the id.
    const slug = `${vacancy.title
      .toLowerCase()
      .replace(/[^a-z0-9]+/g, '-')
      .replace(/^-|-$/g, '')}-${id}`;
    await trx.updateTable('vacancies').set({ slug }).where('id', '=', id).execute();
    const rows = [
      ...vacancy.essential.map((text) => ({ kind: 'essential' as const, text })),
      ...vacancy.desirable.map((text) => ({ kind: 'desirable' as const, text })),
    ];
    const inserted = await trx
      .insertInto('vacancy_criteria')
      .values(rows.map((row, index) => ({ vacancy_id: id, position: index + 1, ...row })))
      .returning('id')
      .execute();
    criteria[vacancy.key] = inserted.map((row) => row.id);
    if (chesterfieldJob)
      await trx
        .insertInto('vacancy_panel_members')
        .values([
          { vacancy_id: id, staff_id: manager.id },
          { vacancy_id: id, staff_id: recruiter.id },
        ])
        .execute();
  }

  // Applications at every stage: the pipeline on the closed vacancy, the appointment on the filled one,
  // the cancellation on the cancelled one.
  const stages: { stage: Exclude<ApplicationStatus, 'draft'>; vacancy: string }[] = (
    Object.keys(pathTo) as Exclude<ApplicationStatus, 'draft'>[]
  ).map((stage) => ({
    stage,
    vacancy: stage === 'appointed' ? 'grounds' : stage === 'vacancy_cancelled' ? 'events' : 'customer-services',
  }));
  const events: {
    application_id: number;
    from_status: ApplicationStatus;
    to_status: ApplicationStatus;
    staff_id: number | null;
    created_at: Date;
  }[] = [];
  const scores: { application_id: number; criterion_id: number; staff_id: number; score: number }[] = [];
  const equality: {
    application_id: number;
    vacancy_id: number;
    age_band: string;
    sex: string;
    ethnic_group: string;
    disability: string;
    religion_belief: string;
    sexual_orientation: string;
  }[] = [];
  const byStage: Partial<Record<ApplicationStatus, number>> = {};
  for (const [index, { stage, vacancy }] of stages.entries()) {
    const [first, last] = applicants[index % applicants.length];
    const demo = vacancies.find((item) => item.key === vacancy)!;
    const submittedAt = at(demo.posted + 2 + (index % 5));
    const { id } = await trx
      .insertInto('applications')
      .values({
        vacancy_id: ids[vacancy],
        channel: index % 4 === 3 ? 'paper' : 'online',
        status: stage,
        personal: JSON.stringify({
          first_name: first,
          last_name: last,
          email: `${first}.${last}@example.com`.toLowerCase(),
          phone: `01246 ${String(200000 + index * 7919).slice(0, 6)}`,
          address: `${index + 3} Saltergate, Chesterfield`,
          postcode: 'S40 1LP',
          right_to_work: 'yes',
        }),
        employment_history: JSON.stringify([
          {
            employer: 'Royal Mail',
            job_title: 'Customer service assistant',
            from: '2019-05',
            to: '',
            duties: 'Counter and phone enquiries',
            reason_for_leaving: '',
          },
        ]),
        qualifications: JSON.stringify([
          {
            subject: 'English Language',
            level: 'GCSE',
            grade: '6',
            awarded: '2016',
            institution: 'Brookfield Community School',
          },
        ]),
        referees: JSON.stringify([
          {
            name: 'Sue Barker',
            email: 'sue.barker@example.com',
            phone: '01246 000111',
            relationship: 'Line manager',
            contact_before_offer: false,
          },
        ]),
        criteria_answers: JSON.stringify({}),
        supporting_statement: 'I enjoy helping people find the answer they need, and I have done so for five years.',
        guaranteed_interview: index === 4 ? ['disability_confident'] : [],
        submitted_at: submittedAt,
        status_changed_at: at(demo.posted + 3 + pathTo[stage].length),
        created_at: at(demo.posted + 1),
        updated_at: at(demo.posted + 3 + pathTo[stage].length),
      })
      .returning('id')
      .executeTakeFirstOrThrow();
    byStage[stage] = id;
    let from: ApplicationStatus = 'draft';
    for (const [step, to] of pathTo[stage].entries()) {
      const applicantMove = ['submitted', 'interview_booked', 'offer_accepted', 'offer_declined', 'withdrawn'].includes(
        to,
      );
      events.push({
        application_id: id,
        from_status: from,
        to_status: to,
        staff_id: applicantMove ? null : recruiter.id,
        // A day between each move, in order.
        created_at: new Date(submittedAt.getTime() + step * DAY_MS),
      });
      from = to;
    }
    if (scored.has(stage))
      criteria[vacancy].forEach((criterionId, position) =>
        scores.push({
          application_id: id,
          criterion_id: criterionId,
          staff_id: manager.id,
          score: stage === 'unsuccessful' ? 1 : 2 + ((index + position) % 2),
        }),
      );
    equality.push({
      application_id: id,
      vacancy_id: ids[vacancy],
      age_band: ['16_24', '25_34', '35_44', '45_54', '55_64'][index % 5],
      sex: index % 2 === 0 ? 'female' : 'male',
      ethnic_group: index % 6 === 5 ? 'prefer_not_to_say' : index % 3 === 0 ? 'asian_british' : 'white_british',
      disability: index === 4 ? 'yes' : 'no',
      religion_belief: index % 2 === 0 ? 'christian' : 'none',
      sexual_orientation: index % 7 === 0 ? 'prefer_not_to_say' : 'heterosexual',
    });
  }

  // The applicant's own: a profile, a saved job, a draft for one live vacancy and a submitted application to another.
  const personal = {
    first_name: 'Jordan',
    last_name: 'Seeker',
    email: 'jobseeker@example.com',
    phone: '01246 345345',
    address: '12 Holywell Street, Chesterfield',
    postcode: 'S41 7NS',
    right_to_work: 'yes',
  };
  const history = [
    {
      employer: 'Chesterfield Royal Hospital',
      job_title: 'Ward clerk',
      from: '2018-09',
      to: '2023-03',
      duties: 'Admissions, records and the ward phone',
      reason_for_leaving: 'Caring for a parent',
    },
    { kind: 'gap', from: '2023-03', to: '2023-10', explanation: 'Caring for my mother after her operation' },
    {
      employer: 'Derbyshire County Council',
      job_title: 'Customer adviser',
      from: '2023-10',
      to: '',
      duties: 'Call Derbyshire: blue badges, school transport, social care enquiries',
      reason_for_leaving: '',
    },
  ];
  const qualifications = [
    {
      subject: 'Business Administration',
      level: 'NVQ level 3',
      grade: 'Pass',
      awarded: '2019',
      institution: 'Chesterfield College',
    },
  ];
  const referees = [
    {
      name: 'Pat Doyle',
      email: 'pat.doyle@example.com',
      phone: '01629 580000',
      relationship: 'Team leader',
      contact_before_offer: true,
    },
  ];
  await trx
    .insertInto('applicant_profiles')
    .values({
      citizen_id: applicant.id,
      personal: JSON.stringify(personal),
      employment_history: JSON.stringify(history),
      qualifications: JSON.stringify(qualifications),
      referees: JSON.stringify(referees),
      updated_at: at(-3),
    })
    .execute();
  await trx
    .insertInto('saved_jobs')
    .values({ citizen_id: applicant.id, vacancy_id: ids.highways, created_at: at(-2) })
    .execute();
  const own = (vacancyKey: string, status: 'draft' | 'submitted') => ({
    vacancy_id: ids[vacancyKey],
    citizen_id: applicant.id,
    channel: 'online' as const,
    status,
    personal: JSON.stringify(personal),
    employment_history: JSON.stringify(history),
    qualifications: JSON.stringify(qualifications),
    referees: JSON.stringify(referees),
    criteria_answers: JSON.stringify({}),
    supporting_statement:
      status === 'submitted' ? 'Five years of answering residents’ questions well, on the phone and face to face.' : '',
    sections_completed:
      status === 'submitted' ? ['personal', 'employment', 'qualifications', 'referees', 'statement'] : ['personal'],
    submitted_at: status === 'submitted' ? at(-1) : null,
    created_at: at(-2),
    updated_at: at(-1),
    status_changed_at: at(-1),
  });
  const mine = await trx
    .insertInto('applications')
    .values([own('housing', 'submitted'), own('waste', 'draft')])
    .returning(['id', 'status'])
    .execute();
  const submittedOwn = mine.find((row) => row.status === 'submitted')!;
  events.push({
    application_id: submittedOwn.id,
    from_status: 'draft',
    to_status: 'submitted',
    staff_id: null,
    created_at: at(-1),
  });
  equality.push({
    application_id: submittedOwn.id,
    vacancy_id: ids.housing,
    age_band: '25_34',
    sex: 'prefer_not_to_say',
    ethnic_group: 'white_british',
    disability: 'no',
    religion_belief: 'none',
    sexual_orientation: 'prefer_not_to_say',
  });

  await trx.insertInto('application_events').values(events).execute();
  await trx.insertInto('shortlist_scores').values(scores).execute();
  await trx.insertInto('equality_monitoring').values(equality).execute();
  // Interviews for the closed vacancy: one booked, two still free.
  await trx
    .insertInto('interview_slots')
    .values([
      {
        vacancy_id: ids['customer-services'],
        starts_at: at(4),
        minutes: 45,
        place: 'Committee Room 1, Town Hall',
        booked_application_id: byStage.interview_booked!,
      },
      {
        vacancy_id: ids['customer-services'],
        starts_at: at(4.04),
        minutes: 45,
        place: 'Committee Room 1, Town Hall',
        booked_application_id: null,
      },
      {
        vacancy_id: ids['customer-services'],
        starts_at: at(5),
        minutes: 45,
        place: 'Committee Room 1, Town Hall',
        booked_application_id: null,
      },
    ])
    .execute();
  await trx
    .insertInto('reference_requests')
    .values({
      application_id: byStage.pre_employment_checks!,
      referee_name: 'Sue Barker',
      referee_email: 'sue.barker@example.com',
      token_hash: createHash('sha256').update(randomBytes(32)).digest('hex'),
      requested_at: at(-1),
    })
    .execute();
  await trx
    .insertInto('pre_employment_checks')
    .values({
      application_id: byStage.pre_employment_checks!,
      right_to_work_confirmed_at: at(-1),
      right_to_work_staff_id: recruiter.id,
    })
    .execute();

  return [
    {
      who: 'Daniel Hughes, service manager and hiring manager (Chesterfield)',
      email: 'hiring.manager@chesterfield.example',
      password: managerPassword,
    },
    {
      who: 'Jordan Seeker, a job applicant (sign in at /account/sign-in, then /jobs)',
      email: 'jobseeker@example.com',
      password: applicantPassword,
    },
  ];
}
