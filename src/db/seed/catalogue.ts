import type { Transaction } from 'kysely';
import type { Database, QuestionDatatype, QuestionDates, RequestTier } from '../schema.js';

export interface CatalogueFile {
  teams: Record<string, string>;
  requestTypes: {
    serviceCode: string;
    name: string;
    tier: RequestTier;
    lgsl: number | null;
    group: string;
    team: string;
    slaWorkingDays: number;
    description: string;
    hint: string;
    keywords: string;
    publicOnMap?: boolean;
    allowsAnonymous?: boolean;
    /** specialCategory: its answers are special-category data (health, say), shared with another body only when an agreement says so. */
    questions: {
      code: string;
      label: string;
      datatype: QuestionDatatype;
      required: boolean;
      options?: [string, string][];
      specialCategory?: boolean;
      /** What to say when a required question is left out: "Select where the pothole is". */
      error?: string;
      /** A date question's range: "past" for something that should already have happened. */
      dates?: QuestionDates;
    }[];
  }[];
}

/**
 * Gives each member council the request types of its tier (a unitary gets both), with the teams that
 * receive them. Only what is missing is added: a council's own edits are never overwritten.
 */
export async function loadCatalogue(
  trx: Transaction<Database>,
  partnershipSlug: string,
  catalogue: CatalogueFile,
): Promise<number> {
  const members = await trx
    .selectFrom('partnership_members')
    .innerJoin('partnerships', 'partnerships.id', 'partnership_members.partnership_id')
    .innerJoin('organisations', 'organisations.id', 'partnership_members.organisation_id')
    .select(['organisations.id', 'organisations.tier'])
    .where('partnerships.slug', '=', partnershipSlug)
    .where('organisations.type', '=', 'council')
    .execute();

  let added = 0;
  for (const council of members) {
    const types = catalogue.requestTypes.filter(
      (type) =>
        council.tier === 'unitary' ||
        (council.tier === 'county' ? type.tier === 'county/unitary' : type.tier === 'district/unitary'),
    );
    for (const type of types) {
      const teamName = catalogue.teams[type.team];
      if (!teamName) throw new Error(`Catalogue request type ${type.serviceCode} names an unknown team: ${type.team}`);
      await trx
        .insertInto('teams')
        .values({ organisation_id: council.id, name: teamName })
        .onConflict((oc) => oc.doNothing())
        .execute();
      const team = await trx
        .selectFrom('teams')
        .select('id')
        .where('organisation_id', '=', council.id)
        .where('name', '=', teamName)
        .executeTakeFirstOrThrow();

      const inserted = await trx
        .insertInto('request_types')
        .values({
          organisation_id: council.id,
          service_code: type.serviceCode,
          name: type.name,
          tier: type.tier,
          lgsl: type.lgsl,
          group_name: type.group,
          description: type.description,
          hint: type.hint,
          keywords: type.keywords,
          sla_working_days: type.slaWorkingDays,
          team_id: team.id,
          public_on_map: type.publicOnMap ?? true,
          allows_anonymous: type.allowsAnonymous ?? false,
        })
        .onConflict((oc) => oc.columns(['organisation_id', 'service_code']).doNothing())
        .returning('id')
        .executeTakeFirst();
      if (!inserted) continue;
      added += 1;
      for (const [position, question] of type.questions.entries()) {
        await trx
          .insertInto('request_type_questions')
          .values({
            request_type_id: inserted.id,
            code: question.code,
            label: question.label,
            datatype: question.datatype,
            required: question.required,
            options: JSON.stringify((question.options ?? []).map(([key, name]) => ({ key, name }))),
            position,
            special_category: question.specialCategory ?? false,
            error_message: question.error ?? '',
            dates: question.dates ?? null,
          })
          .execute();
      }
    }
  }
  return added;
}
