import type { Kysely } from 'kysely';
import type { Database } from '../../db/schema.js';

export function createSessionRepository(db: Kysely<Database>) {
  return {
    async insert(session: {
      token_hash: string;
      staff_id: number | null;
      citizen_id: number | null;
      expires_at: Date;
      ip_address: string;
      user_agent: string | null;
    }) {
      await db.insertInto('sessions').values(session).execute();
    },

    /** The session and the account behind it, with the staff member's organisation. */
    async findWithAccount(tokenHash: string) {
      return db
        .selectFrom('sessions')
        .leftJoin('staff', 'staff.id', 'sessions.staff_id')
        .leftJoin('organisations', 'organisations.id', 'staff.organisation_id')
        .leftJoin('citizens', 'citizens.id', 'sessions.citizen_id')
        .select([
          'sessions.token_hash',
          'sessions.last_seen_at',
          'sessions.expires_at',
          'sessions.revoked_at',
          'staff.id as staff_id',
          'staff.name as staff_name',
          'staff.email as staff_email',
          'staff.roles as staff_roles',
          'staff.disabled_at as staff_disabled_at',
          'organisations.id as organisation_id',
          'organisations.name as organisation_name',
          'citizens.id as citizen_id',
          'citizens.name as citizen_name',
          'citizens.email as citizen_email',
        ])
        .where('sessions.token_hash', '=', tokenHash)
        .executeTakeFirst();
    },

    async touch(tokenHash: string, now: Date) {
      await db.updateTable('sessions').set({ last_seen_at: now }).where('token_hash', '=', tokenHash).execute();
    },

    async revoke(tokenHash: string, now: Date) {
      await db
        .updateTable('sessions')
        .set({ revoked_at: now })
        .where('token_hash', '=', tokenHash)
        .where('revoked_at', 'is', null)
        .execute();
    },

    async revokeAllForStaff(staffId: number, now: Date): Promise<number> {
      const result = await db
        .updateTable('sessions')
        .set({ revoked_at: now })
        .where('staff_id', '=', staffId)
        .where('revoked_at', 'is', null)
        .where('expires_at', '>', now)
        .executeTakeFirst();
      return Number(result.numUpdatedRows);
    },

    async revokeAllForCitizen(citizenId: number, now: Date) {
      await db
        .updateTable('sessions')
        .set({ revoked_at: now })
        .where('citizen_id', '=', citizenId)
        .where('revoked_at', 'is', null)
        .execute();
    },

    async listActiveForStaff(staffId: number, now: Date) {
      return db
        .selectFrom('sessions')
        .select(['created_at', 'last_seen_at', 'ip_address', 'user_agent'])
        .where('staff_id', '=', staffId)
        .where('revoked_at', 'is', null)
        .where('expires_at', '>', now)
        .orderBy('last_seen_at', 'desc')
        .execute();
    },
  };
}

export type SessionRepository = ReturnType<typeof createSessionRepository>;
