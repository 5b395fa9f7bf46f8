import type { Insertable, Kysely, Transaction } from 'kysely';
import type { CasePhotosTable, Database } from '../../../db/schema.js';

type Executor = Kysely<Database> | Transaction<Database>;

/** SQL for photos and media links (case_photos, case_media_links); the bytes are the store's. */
export function createPhotoRepository(db: Kysely<Database>) {
  return {
    insert: (executor: Executor, photo: Insertable<CasePhotosTable>) =>
      executor.insertInto('case_photos').values(photo).returning('id').executeTakeFirstOrThrow(),

    find: (id: number) => db.selectFrom('case_photos').selectAll().where('id', '=', id).executeTakeFirst(),

    /** A case's photos, oldest first; without the private ones when `publicOnly`. */
    forCase(caseId: number, publicOnly: boolean) {
      let query = db
        .selectFrom('case_photos')
        .select(['id', 'case_event_id', 'is_private', 'width', 'height', 'created_at'])
        .where('case_id', '=', caseId)
        .orderBy('id');
      if (publicOnly) query = query.where('is_private', '=', false);
      return query.execute();
    },

    /** The first photo anyone may see of each case given (its case is public, the photo not private). */
    async firstPublicOf(caseIds: number[]): Promise<Map<number, number>> {
      if (caseIds.length === 0) return new Map();
      const rows = await db
        .selectFrom('case_photos')
        .innerJoin('cases', 'cases.id', 'case_photos.case_id')
        .select(['case_photos.case_id', (eb) => eb.fn.min('case_photos.id').as('photo_id')])
        .where('case_photos.case_id', 'in', caseIds)
        .where('case_photos.is_private', '=', false)
        .where('cases.is_public', '=', true)
        .groupBy('case_photos.case_id')
        .execute();
      return new Map(rows.map((row) => [row.case_id!, Number(row.photo_id)]));
    },

    /** The same, for timeline entries: the first photo anyone may see of each update given. */
    async firstPublicOfEvents(eventIds: number[]): Promise<Map<number, number>> {
      if (eventIds.length === 0) return new Map();
      const rows = await db
        .selectFrom('case_photos')
        .innerJoin('cases', 'cases.id', 'case_photos.case_id')
        .select(['case_photos.case_event_id', (eb) => eb.fn.min('case_photos.id').as('photo_id')])
        .where('case_photos.case_event_id', 'in', eventIds)
        .where('case_photos.is_private', '=', false)
        .where('cases.is_public', '=', true)
        .groupBy('case_photos.case_event_id')
        .execute();
      return new Map(rows.map((row) => [row.case_event_id!, Number(row.photo_id)]));
    },

    forDraft: (draftId: number) =>
      db.selectFrom('case_photos').select(['id']).where('report_draft_id', '=', draftId).orderBy('id').execute(),

    findOnDraft: (photoId: number, draftId: number) =>
      db
        .selectFrom('case_photos')
        .select(['id', 'image_key', 'thumbnail_key'])
        .where('id', '=', photoId)
        .where('report_draft_id', '=', draftId)
        .executeTakeFirst(),

    remove: (executor: Executor, photoId: number) =>
      executor.deleteFrom('case_photos').where('id', '=', photoId).execute(),

    /** The photos of drafts that have expired: their rows go with the draft, their bytes must go first. */
    onExpiredDrafts: (executor: Executor, now: Date) =>
      executor
        .selectFrom('case_photos')
        .innerJoin('report_drafts', 'report_drafts.id', 'case_photos.report_draft_id')
        .select(['case_photos.id', 'case_photos.image_key', 'case_photos.thumbnail_key'])
        .where('report_drafts.expires_at', '<=', now)
        .execute(),

    countForDraft: async (draftId: number) =>
      Number(
        (
          await db
            .selectFrom('case_photos')
            .select((eb) => eb.fn.countAll().as('count'))
            .where('report_draft_id', '=', draftId)
            .executeTakeFirstOrThrow()
        ).count,
      ),

    /** The draft's photos become the case's, in the transaction that makes the case. */
    moveDraftPhotos: (trx: Transaction<Database>, draftId: number, caseId: number) =>
      trx
        .updateTable('case_photos')
        .set({ case_id: caseId, report_draft_id: null })
        .where('report_draft_id', '=', draftId)
        .execute(),

    addMediaLink: (executor: Executor, caseId: number, url: string) =>
      executor.insertInto('case_media_links').values({ case_id: caseId, url }).execute(),

    mediaLinksOf: (caseId: number) =>
      db.selectFrom('case_media_links').select(['id', 'url']).where('case_id', '=', caseId).orderBy('id').execute(),

    /** The first link a client sent for each case. */
    async firstMediaLinkOf(caseIds: number[]): Promise<Map<number, string>> {
      if (caseIds.length === 0) return new Map();
      const rows = await db
        .selectFrom('case_media_links')
        .select(['case_id', 'url', 'id'])
        .where('case_id', 'in', caseIds)
        .orderBy('id')
        .execute();
      const first = new Map<number, string>();
      for (const row of rows) if (!first.has(row.case_id)) first.set(row.case_id, row.url);
      return first;
    },
  };
}

export type PhotoRepository = ReturnType<typeof createPhotoRepository>;
