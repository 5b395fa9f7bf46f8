import type { Kysely } from 'kysely';
import type { Database } from '../../../db/schema.js';

/** SQL the citizen's follow-up pages need beyond the core repository's. */
export function createTrackRepository(db: Kysely<Database>) {
  return {
    /** The survey a link's token opens: its case's reference and whether it has been answered. */
    findSurvey: (tokenHash: string) =>
      db
        .selectFrom('satisfaction_responses')
        .innerJoin('cases', 'cases.id', 'satisfaction_responses.case_id')
        .select(['cases.reference', 'satisfaction_responses.responded_at'])
        .where('satisfaction_responses.token_hash', '=', tokenHash)
        .executeTakeFirst(),
  };
}

export type TrackRepository = ReturnType<typeof createTrackRepository>;
