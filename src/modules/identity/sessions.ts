import type { StaffRole } from '../../db/schema.js';
import { anonymous, type Actor } from '../../shared/actor.js';
import { hashToken, newToken } from './secrets.js';
import type { SessionRepository } from './session-repository.js';

const MINUTE = 60_000;
const HOUR = 60 * MINUTE;

/** Staff sessions end after 2 idle hours or 12 hours in all; citizens' after 7 idle days or 30 days. */
const lifetimes = {
  staff: { idle: 2 * HOUR, absolute: 12 * HOUR },
  citizen: { idle: 7 * 24 * HOUR, absolute: 30 * 24 * HOUR },
};

export type Account = { kind: 'staff'; staffId: number } | { kind: 'citizen'; citizenId: number };

/** Server-side sessions: the cookie carries a random token, the database decides if it still works. */
export function createSessionService(repository: SessionRepository, clock: () => Date) {
  return {
    async start(account: Account, request: { ip: string; userAgent: string | undefined }): Promise<string> {
      const { token, hash } = newToken();
      const lifetime = lifetimes[account.kind];
      await repository.insert({
        token_hash: hash,
        staff_id: account.kind === 'staff' ? account.staffId : null,
        citizen_id: account.kind === 'citizen' ? account.citizenId : null,
        expires_at: new Date(clock().getTime() + lifetime.absolute),
        ip_address: request.ip,
        user_agent: request.userAgent?.slice(0, 500) ?? null,
      });
      return token;
    },

    /** The actor a session token stands for, or anonymous when it is unknown, ended or idle too long. */
    async resolve(token: string | undefined): Promise<Actor> {
      if (!token) return anonymous;
      const hash = hashToken(token);
      const row = await repository.findWithAccount(hash);
      if (!row || row.revoked_at) return anonymous;
      const now = clock();
      const lifetime = row.staff_id !== null ? lifetimes.staff : lifetimes.citizen;
      if (row.expires_at <= now || now.getTime() - row.last_seen_at.getTime() > lifetime.idle) return anonymous;
      // Written at most once a minute, so reading a page does not always cost a write.
      if (now.getTime() - row.last_seen_at.getTime() > MINUTE) await repository.touch(hash, now);

      if (row.staff_id !== null && row.organisation_id !== null) {
        if (row.staff_disabled_at) return anonymous;
        return {
          kind: 'staff',
          staffId: row.staff_id,
          name: row.staff_name ?? '',
          email: row.staff_email ?? '',
          organisationId: row.organisation_id,
          organisationName: row.organisation_name ?? '',
          roles: (row.staff_roles ?? []) as StaffRole[],
        };
      }
      if (row.citizen_id !== null) {
        return {
          kind: 'citizen',
          citizenId: row.citizen_id,
          name: row.citizen_name ?? '',
          email: row.citizen_email ?? '',
        };
      }
      return anonymous;
    },

    end: (token: string) => repository.revoke(hashToken(token), clock()),
    endAllForStaff: (staffId: number) => repository.revokeAllForStaff(staffId, clock()),
    endAllForCitizen: (citizenId: number) => repository.revokeAllForCitizen(citizenId, clock()),
    listForStaff: (staffId: number) => repository.listActiveForStaff(staffId, clock()),
  };
}

export type SessionService = ReturnType<typeof createSessionService>;
