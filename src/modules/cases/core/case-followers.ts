import { randomBytes } from 'node:crypto';
import type { Kysely, Transaction } from 'kysely';
import type { Database } from '../../../db/schema.js';
import type { Actor } from '../../../shared/actor.js';
import { NotFoundError } from '../../../shared/errors.js';
import type { CitizenEmail } from '../../identity/index.js';
import { hashToken, newToken } from '../../identity/secrets.js';
import { queueEmail } from '../../notify/outbox.js';
import { casePaths } from '../paths.js';
import { createCaseFollowersRepository } from './case-followers-repository.js';
import { followerEmails } from './follower-emails.js';
import type { CaseRecord, CaseRepository } from './case-repository.js';

export interface CaseFollowersDependencies {
  db: Kysely<Database>;
  repository: CaseRepository;
  citizenEmail: CitizenEmail;
  clock: () => Date;
  publicUrl: string;
}

export type FollowOutcome =
  /** Following now, told at this address. */
  | { outcome: 'following'; reference: string; email: string }
  /** A link to confirm was emailed (or the address already follows: the page is the same). */
  | { outcome: 'check-email'; reference: string; email: string };

/**
 * Following someone else's request, for its public updates: "follow this one instead" on the
 * nearby page. A signed-in resident follows by account at once; anyone else gives an email address
 * and confirms it by the emailed link, so that nobody can sign a stranger up. Only public requests
 * still open may be followed, and a follower hears only what the public page shows.
 */
export function createCaseFollowers(deps: CaseFollowersDependencies) {
  const { db, repository, citizenEmail, clock, publicUrl } = deps;
  const followers = createCaseFollowersRepository(db);
  const newStopKey = () => randomBytes(24).toString('base64url');
  const link = (path: string, key: string, name: string) => `${publicUrl}${path}?${name}=${encodeURIComponent(key)}`;

  async function followable(reference: string): Promise<CaseRecord> {
    const record = await repository.findByReference(reference.trim().toUpperCase());
    // A request not public, or ended, is "not found" alike: nothing says which references exist.
    if (!record || !record.is_public || record.status === 'resolved' || record.status === 'closed')
      throw new NotFoundError();
    return record;
  }

  return {
    /** Whether a request may be followed, before asking a guest for their email address. */
    followable: async (reference: string) => (await followable(reference)).reference,

    async follow(actor: Actor, reference: string, email?: string): Promise<FollowOutcome> {
      const record = await followable(reference);
      if (actor.kind === 'citizen') {
        await followers.addCitizen(record.id, actor.citizenId, newStopKey(), clock());
        return { outcome: 'following', reference: record.reference, email: actor.email };
      }
      if (!email) throw new NotFoundError();
      const known = await followers.findByEmail(record.id, email);
      if (!known?.confirmed_at) {
        const { token, hash } = newToken();
        await db.transaction().execute(async (trx) => {
          await followers.addOrRenewEmail(trx, record.id, email, hash, newStopKey());
          await queueEmail(trx, followerEmails.confirm(email, record, link(casePaths.followConfirm, token, 'token')));
        });
      }
      return { outcome: 'check-email', reference: record.reference, email };
    },

    /** The emailed link: confirms the follow (again, harmlessly, if it is clicked twice). */
    async confirm(token: string) {
      const found = await followers.find({ tokenHash: hashToken(token) });
      if (!found) return undefined;
      if (!found.confirmed_at) await followers.confirm(found.id, clock());
      return { reference: found.reference, email: found.email, already: found.confirmed_at !== null };
    },

    /** What the stop link names, for its page; undefined when it names nothing (already stopped). */
    async stopping(stopKey: string) {
      const found = await followers.find({ stopKey });
      return found && { reference: found.reference };
    },

    async stop(stopKey: string) {
      const found = await followers.find({ stopKey });
      if (found) await followers.remove(found.id);
      return found && { reference: found.reference };
    },

    /**
     * Tells the confirmed followers of a case its public news, in the transaction that made it; the
     * reporter, who is told in their own words, is not told twice.
     */
    async tell(trx: Transaction<Database>, record: CaseRecord, message: string, reporterEmail: string | null) {
      // Followed as a public request: once it is not (moved to a type not shown), they hear no more of it.
      if (!record.is_public) return;
      const publicPage = `${publicUrl}${casePaths.trackCase({ reference: record.reference })}`;
      const told = new Set([reporterEmail?.toLowerCase()]);
      for (const follower of await followers.confirmed(trx, record.id)) {
        const email = follower.email ?? (follower.citizen_id ? await citizenEmail(follower.citizen_id, trx) : null);
        if (!email || told.has(email.toLowerCase())) continue;
        told.add(email.toLowerCase());
        const stopUrl = link(casePaths.followStop, follower.stop_key, 'key');
        await queueEmail(trx, followerEmails.updated(email, record, message, publicPage, stopUrl));
      }
    },
  };
}

export type CaseFollowers = ReturnType<typeof createCaseFollowers>;
