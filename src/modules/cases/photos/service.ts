import type { Kysely, Transaction } from 'kysely';
import type { Database } from '../../../db/schema.js';
import type { Actor } from '../../../shared/actor.js';
import { NotFoundError } from '../../../shared/errors.js';
import type { Upload } from '../../../web/uploads.js';
import { recordAudit } from '../../audit/service.js';
import type { CaseRepository } from '../core/case-repository.js';
import type { CaseService } from '../core/case-service.js';
import { casePaths } from '../paths.js';
import { processPhoto, type ProcessedPhoto } from './image.js';
import { MAX_PHOTO_BYTES, MAX_PHOTOS_PER_FORM, PHOTO_FIELD } from './limits.js';
import type { PhotoRepository } from './repository.js';
import type { PhotoStore } from './store.js';

export interface CasePhotosDependencies {
  db: Kysely<Database>;
  clock: () => Date;
  cases: CaseService;
  caseRepository: CaseRepository;
  repository: PhotoRepository;
  store: PhotoStore;
  publicUrl: string;
}

/** Photos checked and made ready to store, or the one message to show beside the field. */
export type CheckedPhotos = { photos: ProcessedPhoto[] } | { error: string };

/** Where photos are attached: a sent case (with the update they came with), or a draft not yet sent. */
export type PhotoTarget = { caseId: number; caseEventId?: number } | { reportDraftId: number };

export type PhotoVariant = 'image' | 'thumbnail';

/** The name the browser gave a file, fit to repeat in a message. */
function shownName(filename: string): string {
  // eslint-disable-next-line no-control-regex -- control characters are what is removed
  const cleaned = filename.replace(/[\u0000-\u001f\u007f]/g, '').trim();
  return cleaned.length > 60 ? `${cleaned.slice(0, 57)}…` : cleaned;
}

function described(filename: string): string {
  const name = shownName(filename);
  return name ? `‘${name}’` : 'The selected file';
}

export const photoMessages = {
  tooMany: (allowed: number) =>
    allowed <= 0 ? 'You cannot add any more photos' : `Select up to ${allowed} photo${allowed === 1 ? '' : 's'}`,
  tooLarge: (filename: string) => `${described(filename)} must be smaller than ${MAX_PHOTO_BYTES / 1024 / 1024}MB`,
  notAnImage: (filename: string) => `${described(filename)} must be a JPG, PNG or HEIC photo`,
  unreadableHeic: (filename: string) =>
    `${described(filename)} is a HEIC photo we cannot read. Save it as a JPG and select it again`,
};

/**
 * Photos on cases: checked by their content and made safe to keep (image.ts) before anything is
 * saved, then stored in the caller's transaction, so a form that fails saves no photo and a photo
 * is never saved without what it came with. Read through `read`, which lets anyone see a photo of
 * a public case (unless the photo is private), and otherwise only staff who may read that case's
 * description, the read of a photo that is not public being audited like the case's own.
 */
export function createCasePhotos(deps: CasePhotosDependencies) {
  const { db, clock, cases, caseRepository, repository, store, publicUrl } = deps;

  return {
    /** The form's photos, checked and processed one at a time (each decode takes a core for a moment). */
    async check(uploads: Upload[], alreadyAdded = 0): Promise<CheckedPhotos> {
      const files = uploads.filter((upload) => upload.field === PHOTO_FIELD);
      const allowed = MAX_PHOTOS_PER_FORM - alreadyAdded;
      if (files.length > allowed) return { error: photoMessages.tooMany(allowed) };
      const photos: ProcessedPhoto[] = [];
      for (const file of files) {
        if (file.tooLarge) return { error: photoMessages.tooLarge(file.filename) };
        const processed = await processPhoto(file.bytes);
        if ('problem' in processed)
          return {
            error:
              processed.problem === 'unreadable-heic'
                ? photoMessages.unreadableHeic(file.filename)
                : photoMessages.notAnImage(file.filename),
          };
        photos.push(processed);
      }
      return { photos };
    },

    /** Stores checked photos, in the transaction of what they belong to. */
    async attach(
      trx: Transaction<Database>,
      target: PhotoTarget,
      photos: ProcessedPhoto[],
      options: { isPrivate?: boolean; staffId?: number | null } = {},
    ): Promise<number[]> {
      const ids: number[] = [];
      for (const photo of photos) {
        const imageKey = store.newKey();
        const thumbnailKey = store.newKey();
        await store.put(trx, imageKey, photo.image);
        await store.put(trx, thumbnailKey, photo.thumbnail);
        const row = await repository.insert(trx, {
          case_id: 'caseId' in target ? target.caseId : null,
          case_event_id: 'caseId' in target ? (target.caseEventId ?? null) : null,
          report_draft_id: 'reportDraftId' in target ? target.reportDraftId : null,
          is_private: options.isPrivate ?? false,
          image_key: imageKey,
          thumbnail_key: thumbnailKey,
          width: photo.width,
          height: photo.height,
          image_bytes: photo.image.length,
          thumbnail_bytes: photo.thumbnail.length,
          original_format: photo.originalFormat,
          uploaded_by_staff_id: options.staffId ?? null,
        });
        ids.push(row.id);
      }
      return ids;
    },

    moveDraftPhotos: repository.moveDraftPhotos,
    countForDraft: repository.countForDraft,
    firstPublicOf: repository.firstPublicOf,
    firstPublicOfEvents: repository.firstPublicOfEvents,
    addMediaLink: repository.addMediaLink,
    firstMediaLinkOf: repository.firstMediaLinkOf,
    /** The links an Open311 client sent instead of photos: shown to staff as links, never fetched by us. */
    mediaLinksOf: async (caseId: number) => (await repository.mediaLinksOf(caseId)).map((row) => row.url),

    /** A case's photos as a page lists them: staff pages pass `publicOnly: false`, having read the case. */
    async forCase(caseId: number, publicOnly: boolean) {
      const rows = await repository.forCase(caseId, publicOnly);
      return rows.map((row) => ({
        id: row.id,
        isPrivate: row.is_private,
        caseEventId: row.case_event_id,
        width: row.width,
        height: row.height,
        href: casePaths.photo({ id: row.id }),
        thumbnailHref: casePaths.photoThumbnail({ id: row.id }),
      }));
    },

    /** A draft's photos, for the browser that is making it: only ever through the draft's own cookie. */
    async forDraft(draftId: number) {
      return (await repository.forDraft(draftId)).map((row) => ({
        id: row.id,
        thumbnailHref: casePaths.reportPhotoThumbnail({ id: row.id }),
        removeHref: casePaths.removeReportPhoto({ id: row.id }),
      }));
    },

    async draftThumbnail(draftId: number, photoId: number): Promise<Buffer> {
      const photo = await repository.findOnDraft(photoId, draftId);
      const bytes = photo && (await store.get(photo.thumbnail_key));
      if (!bytes) throw new NotFoundError();
      return bytes;
    },

    /** Takes a photo off a draft, bytes and all: a resident who picked the wrong one leaves nothing of it behind. */
    async removeFromDraft(draftId: number, photoId: number): Promise<void> {
      const photo = await repository.findOnDraft(photoId, draftId);
      if (!photo) throw new NotFoundError();
      await db.transaction().execute(async (trx) => {
        await repository.remove(trx, photo.id);
        await store.delete(trx, photo.image_key);
        await store.delete(trx, photo.thumbnail_key);
      });
    },

    /**
     * Deletes the photos of expired drafts, bytes first, before the drafts themselves are deleted:
     * a report never sent keeps nothing of the resident's photos beyond the draft's four hours.
     */
    async forgetExpiredDrafts(now: Date): Promise<void> {
      await db.transaction().execute(async (trx) => {
        for (const photo of await repository.onExpiredDrafts(trx, now)) {
          await store.delete(trx, photo.image_key);
          await store.delete(trx, photo.thumbnail_key);
          await repository.remove(trx, photo.id);
        }
      });
    },

    /** The absolute address of a photo, for Open311's media_url. */
    absoluteUrl: (photoId: number) => `${publicUrl}${casePaths.photo({ id: photoId })}`,

    /**
     * The bytes of a photo, if this actor may see it: anyone, for a photo of a public case that is
     * not private; its reporter, signed in, for theirs; staff who may see the case's description.
     * Anything else, and a photo on a draft, is "not found", saying nothing of what exists.
     */
    async read(actor: Actor, photoId: number, variant: PhotoVariant): Promise<{ bytes: Buffer; isPublic: boolean }> {
      const photo = await repository.find(photoId);
      if (!photo || photo.case_id === null) throw new NotFoundError();
      const record = await caseRepository.findById(photo.case_id);
      if (!record) throw new NotFoundError();
      const isPublic = record.is_public && !photo.is_private;
      const now = clock();
      let allowed = isPublic;
      if (!allowed && actor.kind === 'citizen') allowed = !photo.is_private && record.citizen_id === actor.citizenId;
      if (!allowed && actor.kind === 'staff') {
        const shared = await cases.sharing.accessTo(actor, record, now);
        allowed = shared.access !== 'none' && shared.categories.includes('location_description');
        // A photo that is not public may show someone's home or car: its read is recorded like the case's.
        if (allowed)
          await recordAudit(
            db,
            {
              actor,
              action: 'read',
              recordType: 'case_photo',
              recordId: photoId,
              detail: { caseId: record.id, reference: record.reference, ...cases.sharing.auditDetail(shared) },
            },
            now,
          );
      }
      if (!allowed) throw new NotFoundError();
      const bytes = await store.get(variant === 'image' ? photo.image_key : photo.thumbnail_key);
      if (!bytes) throw new NotFoundError();
      return { bytes, isPublic };
    },
  };
}

export type CasePhotos = ReturnType<typeof createCasePhotos>;
