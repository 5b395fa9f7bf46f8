import type { Kysely } from 'kysely';
import type { Database, QuestionDatatype, QuestionDates, RequestTier } from '../../../db/schema.js';

export interface Question {
  id: number;
  code: string;
  label: string;
  hint: string;
  datatype: QuestionDatatype;
  required: boolean;
  options: { key: string; name: string }[];
  /** Its answers are special-category data: shown to another body only when an agreement shares them. */
  specialCategory?: boolean;
  /** What to say when it is required and left out; empty: a general message. */
  errorMessage: string;
  /** For a date: only today or before, only today or after, or (null) any date. */
  dates: QuestionDates | null;
}

export interface RequestType {
  id: number;
  organisationId: number;
  organisationName: string;
  serviceCode: string;
  name: string;
  tier: RequestTier;
  lgsl: number | null;
  group: string;
  description: string;
  hint: string;
  keywords: string;
  slaWorkingDays: number;
  teamId: number;
  publicOnMap: boolean;
  allowsAnonymous: boolean;
  active: boolean;
}

export function createCatalogueRepository(db: Kysely<Database>) {
  const types = () =>
    db
      .selectFrom('request_types')
      .innerJoin('organisations', 'organisations.id', 'request_types.organisation_id')
      .select([
        'request_types.id',
        'request_types.organisation_id as organisationId',
        'organisations.name as organisationName',
        'request_types.service_code as serviceCode',
        'request_types.name',
        'request_types.tier',
        'request_types.lgsl',
        'request_types.group_name as group',
        'request_types.description',
        'request_types.hint',
        'request_types.keywords',
        'request_types.sla_working_days as slaWorkingDays',
        'request_types.team_id as teamId',
        'request_types.public_on_map as publicOnMap',
        'request_types.allows_anonymous as allowsAnonymous',
        'request_types.active',
      ]);

  return {
    /** Every active type of the given organisations (a partnership's members). */
    listActive: (organisationIds: number[]): Promise<RequestType[]> =>
      organisationIds.length === 0
        ? Promise.resolve([])
        : types()
            .where('request_types.active', '=', true)
            .where('request_types.organisation_id', 'in', organisationIds)
            .orderBy('request_types.name')
            .execute(),

    listForOrganisation: (organisationId: number): Promise<RequestType[]> =>
      types()
        .where('request_types.organisation_id', '=', organisationId)
        .orderBy('request_types.group_name')
        .orderBy('request_types.name')
        .execute(),

    findById: (id: number): Promise<RequestType | undefined> =>
      types().where('request_types.id', '=', id).executeTakeFirst(),

    findByCode: (organisationId: number, serviceCode: string): Promise<RequestType | undefined> =>
      types()
        .where('request_types.organisation_id', '=', organisationId)
        .where('request_types.service_code', '=', serviceCode)
        .executeTakeFirst(),

    async questions(requestTypeId: number): Promise<Question[]> {
      const rows = await db
        .selectFrom('request_type_questions')
        .select([
          'id',
          'code',
          'label',
          'hint',
          'datatype',
          'required',
          'options',
          'special_category as specialCategory',
          'error_message as errorMessage',
          'dates',
        ])
        .where('request_type_id', '=', requestTypeId)
        .orderBy('position')
        .execute();
      return rows.map((row) => ({ ...row, options: row.options as Question['options'] }));
    },

    async bankHolidays(): Promise<Set<string>> {
      const rows = await db.selectFrom('bank_holidays').select('holiday_on').execute();
      return new Set(rows.map((row) => row.holiday_on));
    },
  };
}

export type CatalogueRepository = ReturnType<typeof createCatalogueRepository>;
