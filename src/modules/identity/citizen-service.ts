import type { Kysely } from 'kysely';
import type { Database } from '../../db/schema.js';
import { recordAudit } from '../audit/service.js';
import { queueEmail } from '../notify/outbox.js';
import type { Actor } from '../../shared/actor.js';
import { isAccountTokenUsable, issueAccountToken, redeemAccountToken, wasAccountTokenUsed } from './account-tokens.js';
import type { CitizenRepository } from './citizen-repository.js';
import { ForbiddenError } from '../../shared/errors.js';
import { hashPassword, verifyPassword } from './secrets.js';
import type { SessionService } from './sessions.js';
import type { SignInFailures } from './sign-in-failures.js';
import { isUniqueViolation } from '../../shared/database-errors.js';

const VERIFICATION_DAYS = 3;
const RESET_LINK_HOURS = 1;

export type RegisterResult = { outcome: 'registered' } | { outcome: 'email-taken' };
export type CitizenSignInResult =
  | { outcome: 'signed-in'; citizenId: number }
  | { outcome: 'unverified' }
  | { outcome: 'invalid' }
  | { outcome: 'locked'; until: Date };

export interface CitizenServiceDependencies {
  db: Kysely<Database>;
  repository: CitizenRepository;
  sessions: SessionService;
  signInFailures: SignInFailures;
  clock: () => Date;
  publicUrl: string;
  partnershipName: string;
}

/** One account for a resident across every partner: register, verify the email, sign in, keep details. */
export function createCitizenService({
  db,
  repository,
  sessions,
  signInFailures,
  clock,
  publicUrl,
  partnershipName,
}: CitizenServiceDependencies) {
  /** `next`: where to take the resident once confirmed (back into a report they had started). */
  async function sendVerification(
    executor: Kysely<Database>,
    citizen: { id: number; email: string; name: string },
    next?: string,
  ) {
    const now = clock();
    const expires = new Date(now.getTime() + VERIFICATION_DAYS * 86_400_000);
    const token = await issueAccountToken(executor, 'email_verification', { citizenId: citizen.id }, expires, now);
    const link = `${publicUrl}/account/verify?token=${token}${next ? `&next=${encodeURIComponent(next)}` : ''}`;
    await queueEmail(executor, {
      to: citizen.email,
      subject: `Confirm your email address for your ${partnershipName} account`,
      body: `Dear ${citizen.name},\n\nConfirm your email address to finish making your account. The link works for ${VERIFICATION_DAYS} days:\n\n${link}\n\nIf you did not make an account, ignore this email.\n`,
    });
  }

  return {
    /**
     * Makes an unverified account and emails a confirmation link. An address that already has an
     * account gets an email saying so, and the page says the same either way, so nobody can find
     * out who has an account by trying addresses.
     */
    async register(
      input: { email: string; name: string; phone: string | null; password: string },
      next?: string,
    ): Promise<RegisterResult> {
      const passwordHash = await hashPassword(input.password);
      const existing = await repository.findByEmail(input.email);
      return db
        .transaction()
        .execute(async (trx) => {
          if (existing) {
            await queueEmail(trx, {
              to: existing.email,
              subject: `You already have a ${partnershipName} account`,
              body: `Dear ${existing.name},\n\nSomeone tried to make an account with this email address, but you already have one. Sign in at ${publicUrl}/account/sign-in, or reset your password at ${publicUrl}/account/forgot-password.\n\nIf it was not you, ignore this email.\n`,
            });
            return { outcome: 'email-taken' as const };
          }
          const id = await repository.insert(trx, {
            email: input.email,
            name: input.name,
            phone: input.phone,
            password_hash: passwordHash,
          });
          await sendVerification(trx, { id, email: input.email, name: input.name }, next);
          await recordAudit(
            trx,
            {
              actor: { kind: 'system', label: 'citizen registration' },
              action: 'create',
              recordType: 'citizen',
              recordId: id,
            },
            clock(),
          );
          return { outcome: 'registered' as const };
          // Registered twice at once: the second is told what any address with an account is told.
        })
        .catch((error: unknown) => {
          if (isUniqueViolation(error, 'citizens_email_key')) return { outcome: 'email-taken' as const };
          throw error;
        });
    },

    /**
     * Confirms the email from the link; the account can then sign in. Gives the citizen, to sign them
     * in; or says the link was used already (a second click: the email is confirmed), or is no good.
     */
    async verifyEmail(
      token: string,
    ): Promise<{ outcome: 'confirmed'; citizenId: number } | { outcome: 'used' | 'expired' }> {
      const now = clock();
      const citizenId = await db.transaction().execute(async (trx) => {
        const owner = await redeemAccountToken(trx, 'email_verification', token, now);
        if (!owner || !('citizenId' in owner)) return undefined;
        await repository.update(trx, owner.citizenId, { email_verified_at: now });
        return owner.citizenId;
      });
      if (citizenId !== undefined) return { outcome: 'confirmed', citizenId };
      return { outcome: (await wasAccountTokenUsed(db, 'email_verification', token)) ? 'used' : 'expired' };
    },

    /**
     * Signs in by password. An unknown email and a wrong password get the same answer, after the
     * same work, and lock after the same number of tries from that address (./sign-in-failures.ts).
     * Only the right password learns that an account is waiting for its email to be confirmed.
     */
    async signIn(input: { email: string; password: string; ip: string }): Promise<CitizenSignInResult> {
      const now = clock();
      const lockedUntil = await signInFailures.lockedUntil('citizen', input.email, input.ip, now);
      if (lockedUntil) return { outcome: 'locked', until: lockedUntil };
      const citizen = await repository.findByEmail(input.email);
      if (!(await verifyPassword(citizen?.password_hash ?? null, input.password)) || !citizen) {
        const failed = await signInFailures.record('citizen', input.email, input.ip, now);
        return failed.lockedUntil ? { outcome: 'locked', until: failed.lockedUntil } : { outcome: 'invalid' };
      }
      await signInFailures.clear('citizen', input.email, input.ip);
      if (!citizen.email_verified_at) return { outcome: 'unverified' };
      return { outcome: 'signed-in', citizenId: citizen.id };
    },

    /** Sends a fresh confirmation link to an account that has not confirmed its email yet. */
    async resendVerification(email: string): Promise<void> {
      const citizen = await repository.findByEmail(email);
      if (!citizen || citizen.email_verified_at) return;
      await db.transaction().execute((trx) => sendVerification(trx, citizen));
    },

    async requestPasswordReset(email: string): Promise<void> {
      const citizen = await repository.findByEmail(email);
      if (!citizen) return;
      const now = clock();
      const expires = new Date(now.getTime() + RESET_LINK_HOURS * 3_600_000);
      await db.transaction().execute(async (trx) => {
        const token = await issueAccountToken(trx, 'password_reset', { citizenId: citizen.id }, expires, now);
        await queueEmail(trx, {
          to: citizen.email,
          subject: 'Reset your password',
          body: `Dear ${citizen.name},\n\nChoose a new password here within ${RESET_LINK_HOURS} hour:\n\n${publicUrl}/account/reset-password?token=${token}\n\nIf you did not ask for this, you need do nothing.\n`,
        });
      });
    },

    isResetTokenUsable: (token: string) => isAccountTokenUsable(db, 'password_reset', token, clock()),

    /** A reset link proves the email address too, so it also confirms an unconfirmed account. */
    async resetPassword(token: string, password: string): Promise<boolean> {
      const now = clock();
      const passwordHash = await hashPassword(password);
      const citizenId = await db.transaction().execute(async (trx) => {
        const owner = await redeemAccountToken(trx, 'password_reset', token, now);
        if (!owner || !('citizenId' in owner)) return undefined;
        await repository.update(trx, owner.citizenId, { password_hash: passwordHash, email_verified_at: now });
        await signInFailures.clearAccount(trx, owner);
        return owner.citizenId;
      });
      if (citizenId === undefined) return false;
      await sessions.endAllForCitizen(citizenId);
      return true;
    },

    /** The signed-in citizen's own details; nobody else's. */
    async ownDetails(actor: Actor) {
      if (actor.kind !== 'citizen') throw new ForbiddenError();
      const citizen = await repository.findById(actor.citizenId);
      if (!citizen) throw new ForbiddenError();
      return {
        id: citizen.id,
        name: citizen.name,
        email: citizen.email,
        phone: citizen.phone,
        createdAt: citizen.created_at,
        signsInWithProvider: citizen.oidc_subject !== null,
      };
    },

    async updateOwnDetails(actor: Actor, changes: { name: string; phone: string | null }) {
      if (actor.kind !== 'citizen') throw new ForbiddenError();
      await db.transaction().execute(async (trx) => {
        await repository.update(trx, actor.citizenId, changes);
        await recordAudit(
          trx,
          {
            actor,
            action: 'update',
            recordType: 'citizen',
            recordId: actor.citizenId,
            detail: { fields: Object.keys(changes) },
          },
          clock(),
        );
      });
    },
  };
}

export type CitizenService = ReturnType<typeof createCitizenService>;
