import type { Kysely } from 'kysely';
import type { Database, VacancyDocumentKind } from '../../../db/schema.js';
import type { Actor } from '../../../shared/actor.js';
import { NotFoundError } from '../../../shared/errors.js';
import type { Upload } from '../../../web/uploads.js';
import { recordAudit } from '../../audit/service.js';
import { hasCapability } from '../../identity/policy.js';
import { documentTypeOf, MAX_DOCUMENT_BYTES, safeFileName } from './documents.js';
import { vacancyPhase, type VacancyPhase } from './phase.js';
import { documentBytes } from './repository.js';
import { VacancyRuleError } from './service.js';

/** The phases in which anyone may read a vacancy and download its documents. */
const publicPhases: readonly VacancyPhase[] = ['live', 'closed', 'appointed', 'not_filled'];

/** Documents may be added or removed until the vacancy is published: applicants read what was advertised. */
const changeablePhases: readonly VacancyPhase[] = ['draft'];

export function createVacancyDocuments({ db, clock }: { db: Kysely<Database>; clock: () => Date }) {
  async function ownVacancy(actor: Actor, vacancyId: number, manage: boolean) {
    if (actor.kind !== 'staff') throw new NotFoundError();
    const may = manage
      ? hasCapability(actor, 'recruitment.manage')
      : hasCapability(actor, 'recruitment.manage') || hasCapability(actor, 'recruitment.approve');
    if (!may) throw new NotFoundError();
    const vacancy = await db
      .selectFrom('vacancies')
      .select(['id', 'organisation_id', 'status', 'publish_at', 'closes_at'])
      .where('id', '=', vacancyId)
      .executeTakeFirst();
    if (!vacancy || vacancy.organisation_id !== actor.organisationId) throw new NotFoundError();
    return { vacancy, actor };
  }

  return {
    /** Checks the upload by its content and size and keeps it; a problem is a message beside the file input. */
    async add(
      actorIn: Actor,
      vacancyId: number,
      kind: VacancyDocumentKind,
      upload: Upload,
      ip: string | null,
    ): Promise<number> {
      const { vacancy, actor } = await ownVacancy(actorIn, vacancyId, true);
      if (!changeablePhases.includes(vacancyPhase(vacancy, clock())))
        throw new VacancyRuleError('Documents can only be added to a draft vacancy', 'document');
      if (upload.tooLarge || upload.bytes.length > MAX_DOCUMENT_BYTES)
        throw new VacancyRuleError('The selected file must be smaller than 5MB', 'document');
      if (upload.bytes.length === 0) throw new VacancyRuleError('The selected file is empty', 'document');
      const type = documentTypeOf(upload.bytes);
      if (!type) throw new VacancyRuleError('The selected file must be a PDF, DOCX, ODT or DOC', 'document');
      const fileName = safeFileName(upload.filename, type);
      const now = clock();
      return db.transaction().execute(async (tx) => {
        const { id } = await tx
          .insertInto('vacancy_documents')
          .values({
            vacancy_id: vacancyId,
            kind,
            file_name: fileName,
            content_type: type.contentType,
            size_bytes: upload.bytes.length,
            bytes: upload.bytes,
            created_at: now,
          })
          .returning('id')
          .executeTakeFirstOrThrow();
        await recordAudit(
          tx,
          {
            actor,
            action: 'update',
            recordType: 'vacancy',
            recordId: vacancyId,
            detail: { event: 'document_added', document: id, kind, fileName, bytes: upload.bytes.length },
            ipAddress: ip,
          },
          now,
        );
        return id;
      });
    },

    async remove(actorIn: Actor, vacancyId: number, documentId: number, ip: string | null): Promise<void> {
      const { vacancy, actor } = await ownVacancy(actorIn, vacancyId, true);
      if (!changeablePhases.includes(vacancyPhase(vacancy, clock())))
        throw new VacancyRuleError('Documents can only be removed from a draft vacancy', 'document');
      const now = clock();
      await db.transaction().execute(async (tx) => {
        const removed = await tx
          .deleteFrom('vacancy_documents')
          .where('vacancy_id', '=', vacancyId)
          .where('id', '=', documentId)
          .returning(['file_name'])
          .executeTakeFirst();
        if (!removed) throw new NotFoundError();
        await recordAudit(
          tx,
          {
            actor,
            action: 'update',
            recordType: 'vacancy',
            recordId: vacancyId,
            detail: { event: 'document_removed', document: documentId, fileName: removed.file_name },
            ipAddress: ip,
          },
          now,
        );
      });
    },

    /** A document for the employer's staff, in any phase. */
    async forStaff(actor: Actor, vacancyId: number, documentId: number) {
      await ownVacancy(actor, vacancyId, false);
      const document = await documentBytes(db, vacancyId, documentId);
      if (!document) throw new NotFoundError();
      return document;
    },

    /** A document for anyone, only while the vacancy itself is public: a draft's or a cancelled one's does not exist. */
    async forPublic(slug: string, documentId: number) {
      const vacancy = await db
        .selectFrom('vacancies')
        .select(['id', 'status', 'publish_at', 'closes_at'])
        .where('slug', '=', slug)
        .executeTakeFirst();
      if (!vacancy || !publicPhases.includes(vacancyPhase(vacancy, clock()))) throw new NotFoundError();
      const document = await documentBytes(db, vacancy.id, documentId);
      if (!document) throw new NotFoundError();
      return document;
    },
  };
}

export type VacancyDocuments = ReturnType<typeof createVacancyDocuments>;
