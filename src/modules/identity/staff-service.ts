import type { Kysely } from 'kysely';
import type { Database, StaffRole } from '../../db/schema.js';
import { recordAudit } from '../audit/service.js';
import { queueEmail } from '../notify/outbox.js';
import type { Actor, StaffActor } from '../../shared/actor.js';
import { isAccountTokenUsable, issueAccountToken, redeemAccountToken } from './account-tokens.js';
import {
  grantableRoles,
  mayChangeRoles,
  organisationScope,
  reachesOrganisation,
  requireCapability,
  requireStaffManagementOf,
} from './policy.js';
import { ForbiddenError, NotFoundError } from '../../shared/errors.js';
import { hashPassword, verifyPassword } from './secrets.js';
import { isUniqueViolation } from '../../shared/database-errors.js';
import type { StaffRecord, StaffRepository } from './staff-repository.js';
import type { SessionService } from './sessions.js';
import type { SignInFailures } from './sign-in-failures.js';

const RESET_LINK_HOURS = 1;
const INVITATION_DAYS = 7;

export type SignInResult =
  { outcome: 'signed-in'; staffId: number } | { outcome: 'invalid' } | { outcome: 'locked'; until: Date };

export interface StaffServiceDependencies {
  db: Kysely<Database>;
  repository: StaffRepository;
  sessions: SessionService;
  signInFailures: SignInFailures;
  clock: () => Date;
  publicUrl: string;
}

export interface NewStaffInput {
  organisationId: number;
  email: string;
  name: string;
  roles: StaffRole[];
}

export function createStaffService({
  db,
  repository,
  sessions,
  signInFailures,
  clock,
  publicUrl,
}: StaffServiceDependencies) {
  /** Roles go from `before` to `after` only as the actor may grant them (the policy's mayChangeRoles). */
  function assertMayGrant(actor: StaffActor, after: StaffRole[], before: StaffRole[] = []) {
    if (!mayChangeRoles(actor, before, after)) throw new ForbiddenError();
  }

  async function findReachable(actor: Actor, staffId: number): Promise<{ manager: StaffActor; staff: StaffRecord }> {
    const manager = requireCapability(actor, 'staff.manage');
    const staff = await repository.findById(staffId);
    if (!staff) throw new NotFoundError();
    if (!reachesOrganisation(manager, staff.organisation_id)) throw new ForbiddenError();
    return { manager, staff };
  }

  /** The account, its invitation (a link to choose a password) and its audit entry: all or nothing. */
  function insertAndInvite(manager: StaffActor, input: NewStaffInput, now: Date): Promise<number> {
    return db.transaction().execute(async (trx) => {
      const staffId = await repository.insert(trx, {
        organisation_id: input.organisationId,
        email: input.email,
        name: input.name,
        roles: input.roles,
        password_hash: null,
      });
      const token = await issueAccountToken(
        trx,
        'password_reset',
        { staffId },
        new Date(now.getTime() + INVITATION_DAYS * 86_400_000),
        now,
      );
      await queueEmail(trx, {
        to: input.email,
        subject: 'Your staff account',
        body: `Dear ${input.name},\n\n${manager.name} has made you a staff account. Choose your password here within ${INVITATION_DAYS} days:\n\n${publicUrl}/staff/reset-password?token=${token}\n\nThen sign in at ${publicUrl}/staff/sign-in with this email address.\n`,
      });
      await recordAudit(
        trx,
        {
          actor: manager,
          action: 'create',
          recordType: 'staff',
          recordId: staffId,
          detail: { email: input.email, roles: input.roles, organisationId: input.organisationId },
        },
        now,
      );
      return staffId;
    });
  }

  return {
    /**
     * Signs in by password. An unknown email, a disabled account and a wrong password get the same
     * answer, after the same work, and lock after the same number of tries from that address
     * (./sign-in-failures.ts): the answers say nothing of which accounts exist, and a stranger's
     * guesses lock out the stranger, not the account's owner.
     */
    async signIn(input: { email: string; password: string; ip: string }): Promise<SignInResult> {
      const now = clock();
      const attempt = {
        actor: { kind: 'system' as const, label: `sign-in attempt as ${input.email}` },
        action: 'sign-in-failed',
        recordType: 'staff',
        ipAddress: input.ip,
      };
      const lockedUntil = await signInFailures.lockedUntil('staff', input.email, input.ip, now);
      if (lockedUntil) {
        await recordAudit(db, { ...attempt, detail: { refused: 'locked' } }, now);
        return { outcome: 'locked', until: lockedUntil };
      }

      const found = await repository.findByEmail(input.email);
      const staff = found && !found.disabled_at ? found : undefined;
      if (!(await verifyPassword(staff?.password_hash ?? null, input.password)) || !staff) {
        const failed = await signInFailures.record('staff', input.email, input.ip, now);
        await recordAudit(
          db,
          {
            ...attempt,
            recordId: staff?.id ?? null,
            detail: { failures: failed.failures, locked: failed.lockedUntil !== null },
          },
          now,
        );
        return failed.lockedUntil ? { outcome: 'locked', until: failed.lockedUntil } : { outcome: 'invalid' };
      }
      await signInFailures.clear('staff', input.email, input.ip);
      await repository.recordSignIn(staff.id, now);
      const signedIn = {
        kind: 'staff' as const,
        staffId: staff.id,
        name: staff.name,
        email: staff.email,
        organisationId: staff.organisation_id,
        organisationName: staff.organisation_name,
        roles: staff.roles,
      };
      await recordAudit(
        db,
        { actor: signedIn, action: 'sign-in', recordType: 'staff', recordId: staff.id, ipAddress: input.ip },
        now,
      );
      return { outcome: 'signed-in', staffId: staff.id };
    },

    /** Emails a reset link when the account exists; says nothing either way, so no one can probe for accounts. */
    async requestPasswordReset(email: string): Promise<void> {
      const staff = await repository.findByEmail(email);
      if (!staff || staff.disabled_at) return;
      const now = clock();
      await db.transaction().execute(async (trx) => {
        const token = await issueAccountToken(
          trx,
          'password_reset',
          { staffId: staff.id },
          new Date(now.getTime() + RESET_LINK_HOURS * 3_600_000),
          now,
        );
        await queueEmail(trx, {
          to: staff.email,
          subject: 'Reset your password',
          body: `Dear ${staff.name},\n\nSomeone asked to reset the password of your staff account. If it was you, choose a new password here within ${RESET_LINK_HOURS} hour:\n\n${publicUrl}/staff/reset-password?token=${token}\n\nIf it was not you, you need do nothing: your password has not changed.\n`,
        });
      });
    },

    isResetTokenUsable: (token: string) => isAccountTokenUsable(db, 'password_reset', token, clock()),

    /** Sets a new password from an emailed link; ends every session of the account. */
    async resetPassword(token: string, password: string, ip: string): Promise<boolean> {
      const now = clock();
      const passwordHash = await hashPassword(password);
      const staffId = await db.transaction().execute(async (trx) => {
        const owner = await redeemAccountToken(trx, 'password_reset', token, now);
        if (!owner || !('staffId' in owner)) return undefined;
        await repository.update(trx, owner.staffId, { password_hash: passwordHash });
        await signInFailures.clearAccount(trx, owner);
        await recordAudit(
          trx,
          {
            actor: { kind: 'system', label: 'password reset link' },
            action: 'password-reset',
            recordType: 'staff',
            recordId: owner.staffId,
            ipAddress: ip,
          },
          now,
        );
        return owner.staffId;
      });
      if (staffId === undefined) return false;
      await sessions.endAllForStaff(staffId);
      return true;
    },

    /** The accounts a manager may manage: names and email addresses, so the read is audited. */
    async list(actor: Actor, ipAddress: string | null = null) {
      const manager = requireCapability(actor, 'staff.manage');
      const organisationId = organisationScope(manager);
      const accounts = await repository.list(organisationId);
      await recordAudit(
        db,
        {
          actor: manager,
          action: 'read',
          recordType: 'staff_list',
          detail: { filters: { organisationId }, shown: accounts.length },
          ipAddress,
        },
        clock(),
      );
      return accounts;
    },

    async get(actor: Actor, staffId: number, ipAddress: string | null = null) {
      const { manager, staff } = await findReachable(actor, staffId);
      await recordAudit(
        db,
        { actor: manager, action: 'read', recordType: 'staff', recordId: staffId, ipAddress },
        clock(),
      );
      return { staff, sessions: await sessions.listForStaff(staffId) };
    },

    /**
     * Creates an account and emails its owner a link to choose a password. An address that has an
     * account already (in any organisation: email is unique across the partnership) is refused
     * with one outcome whoever holds it, so no administrator learns of accounts beyond their own.
     */
    async create(
      actor: Actor,
      input: NewStaffInput,
    ): Promise<{ outcome: 'created'; id: number } | { outcome: 'email-unavailable' }> {
      const manager = requireStaffManagementOf(actor, input.organisationId);
      assertMayGrant(manager, input.roles);
      if (await repository.findByEmail(input.email)) return { outcome: 'email-unavailable' };
      const now = clock();
      try {
        const id = await insertAndInvite(manager, input, now);
        return { outcome: 'created', id };
      } catch (error) {
        // Made by someone else between the check and the insert: the transaction rolled back whole.
        if (isUniqueViolation(error, 'staff_email_key')) return { outcome: 'email-unavailable' };
        throw error;
      }
    },

    async updateRoles(actor: Actor, staffId: number, roles: StaffRole[]): Promise<void> {
      const { manager, staff } = await findReachable(actor, staffId);
      // Granting or removing partnership administration is for partnership administrators alone.
      assertMayGrant(manager, roles, staff.roles);
      await db.transaction().execute(async (trx) => {
        await repository.update(trx, staffId, { roles });
        await recordAudit(
          trx,
          {
            actor: manager,
            action: 'update',
            recordType: 'staff',
            recordId: staffId,
            detail: { roles: { from: staff.roles, to: roles } },
          },
          clock(),
        );
      });
    },

    /** Disabling ends the account's sessions at once; enabling lets it sign in again. */
    async setDisabled(actor: Actor, staffId: number, disabled: boolean): Promise<void> {
      const { manager, staff } = await findReachable(actor, staffId);
      if (staff.id === manager.staffId) throw new ForbiddenError('You cannot disable your own account');
      assertMayGrant(manager, staff.roles, staff.roles);
      const now = clock();
      await db.transaction().execute(async (trx) => {
        await repository.update(trx, staffId, { disabled_at: disabled ? now : null });
        await recordAudit(
          trx,
          { actor: manager, action: disabled ? 'disable' : 'enable', recordType: 'staff', recordId: staffId },
          now,
        );
      });
      if (disabled) await sessions.endAllForStaff(staffId);
    },

    async revokeSessions(actor: Actor, staffId: number): Promise<number> {
      const { manager } = await findReachable(actor, staffId);
      const ended = await sessions.endAllForStaff(staffId);
      await recordAudit(
        db,
        { actor: manager, action: 'revoke-sessions', recordType: 'staff', recordId: staffId, detail: { ended } },
        clock(),
      );
      return ended;
    },

    /** Which roles this actor may hand out (role-grants.ts): what their own roles cover, never more. */
    grantableRoles,
  };
}

export type StaffService = ReturnType<typeof createStaffService>;
