import '@fastify/cookie';
import type { FastifyReply, FastifyRequest } from 'fastify';
import { hashToken, newToken } from '../../identity/secrets.js';
import type { ReportDraft } from './draft.js';
import type { Transaction } from 'kysely';
import type { Database } from '../../../db/schema.js';
import type { ReportDraftRepository, StoredDraft } from './draft-repository.js';

export const REPORT_COOKIE = 'shirehall_report';
/** A draft lives this long after its last change: long enough to create an account, short for a stranger's details. */
export const DRAFT_LIFETIME_MS = 4 * 60 * 60 * 1000;
/** A sender that has not finished after this long is taken to have died, and its claim is taken over. */
export const STUCK_SENDING_MS = 2 * 60 * 1000;

/** What the confirmation page needs once the case is made; the rest of the draft is dropped. */
export interface SentDraft {
  confirmationEmail: string | null;
}

/** Marks the draft sent, inside the transaction that made its case. */
export type MarkSent = (trx: Transaction<Database>, caseId: number, sent: SentDraft) => Promise<void>;

export type DraftState =
  | { state: 'none' }
  | { state: 'editing'; id: number; draft: ReportDraft; submittingAt: Date | null }
  | { state: 'sent'; id: number; caseId: number; sent: SentDraft };

/**
 * The journey's answers live in the database, not in a cookie: the description and the questions'
 * text answers may be thousands of characters (a cookie holds 4 KB), and app processes share nothing
 * but the database. The browser's cookie holds only a random token; the table holds its hash.
 */
export function createReportDrafts(
  repository: ReportDraftRepository,
  clock: () => Date,
  secureCookies: boolean,
  /** What else an expiring draft takes with it (its photos' bytes, kept elsewhere), before it is deleted. */
  beforeDeletingExpired: (now: Date) => Promise<void> = async () => {},
) {
  function toState(stored: StoredDraft | undefined): DraftState {
    if (!stored) return { state: 'none' };
    if (stored.caseId !== null)
      return { state: 'sent', id: stored.id, caseId: stored.caseId, sent: stored.answers as SentDraft };
    // The JSON is only ever written by `save` below, from a ReportDraft.
    return { state: 'editing', id: stored.id, draft: stored.answers as ReportDraft, submittingAt: stored.submittingAt };
  }

  async function load(request: FastifyRequest): Promise<DraftState> {
    const token = request.cookies[REPORT_COOKIE];
    if (!token) return { state: 'none' };
    return toState(await repository.findUnexpired(hashToken(token), clock()));
  }

  return {
    load,

    /** The answers so far; a sent or missing draft reads as a new, empty one. */
    async current(request: FastifyRequest): Promise<ReportDraft> {
      const found = await load(request);
      return found.state === 'editing' ? found.draft : {};
    },

    /** Saves the answers: into this browser's draft, or a new one (with a new cookie) if it has none to change. */
    async save(request: FastifyRequest, reply: FastifyReply, draft: ReportDraft): Promise<void> {
      const now = clock();
      const expiresAt = new Date(now.getTime() + DRAFT_LIFETIME_MS);
      const found = await load(request);
      if (found.state === 'editing' && (await repository.update(found.id, draft, now, expiresAt))) return;
      await beforeDeletingExpired(now);
      await repository.deleteExpired(now);
      const { token, hash } = newToken();
      await repository.insert(hash, draft, now, expiresAt);
      reply.setCookie(REPORT_COOKIE, token, {
        path: '/report',
        httpOnly: true,
        sameSite: 'lax',
        secure: secureCookies,
      });
    },

    /**
     * Saves the answers of a draft being edited and, in the same transaction, what came with them
     * (the photos of the questions page), so that neither is saved without the other. False when
     * the draft is no longer being edited (sent meanwhile, or expired): nothing is saved.
     */
    async saveWith(
      request: FastifyRequest,
      draft: ReportDraft,
      alongside: (trx: Transaction<Database>, draftId: number) => Promise<void>,
    ): Promise<boolean> {
      const now = clock();
      const found = await load(request);
      if (found.state !== 'editing') return false;
      return repository.inTransaction(async (trx) => {
        const saved = await repository.update(found.id, draft, now, new Date(now.getTime() + DRAFT_LIFETIME_MS), trx);
        if (saved) await alongside(trx, found.id);
        return saved;
      });
    },

    /**
     * Sends the draft exactly once. The first post claims it and calls `send`, which makes the case
     * and marks the draft sent in the case's own transaction (`markSent`); a second post of the same
     * draft (a double click, a reload, a second tab) gets the case the first one made. A claim older
     * than STUCK_SENDING_MS belongs to a sender that died before its transaction committed, so it
     * made nothing: the claim is taken over. `send` answers false to give the draft back for changes.
     */
    async sendOnce(
      draftId: number,
      submittingAt: Date | null,
      send: (markSent: MarkSent) => Promise<boolean>,
    ): Promise<'sent' | 'not-sent' | 'sending-elsewhere'> {
      const now = clock();
      if (submittingAt && now.getTime() - submittingAt.getTime() < STUCK_SENDING_MS) return 'sending-elsewhere';
      if (!(await repository.claim(draftId, now, submittingAt))) return 'sending-elsewhere';
      let sent: boolean;
      try {
        sent = await send((trx, caseId, remembered) =>
          repository.markSent(trx, draftId, caseId, remembered, clock()).then(() => undefined),
        );
      } catch (error) {
        await repository.release(draftId);
        throw error;
      }
      if (!sent) {
        await repository.release(draftId);
        return 'not-sent';
      }
      return 'sent';
    },
  };
}

export type ReportDrafts = ReturnType<typeof createReportDrafts>;
