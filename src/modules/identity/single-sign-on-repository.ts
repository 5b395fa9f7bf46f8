import type { Kysely, Transaction } from 'kysely';
import type { Database } from '../../db/schema.js';

type Db = Kysely<Database> | Transaction<Database>;

/** The SQL behind signing in through an OpenID Connect provider; the rules are in single-sign-on-service.ts. */
export function createSingleSignOnRepository(db: Kysely<Database>) {
  const citizens = (executor: Db) =>
    executor.selectFrom('citizens').select(['id', 'email', 'name', 'email_verified_at', 'oidc_issuer', 'oidc_subject']);

  return {
    async recordStaffSignIn(executor: Db, staffId: number, now: Date) {
      // The password lockout is left as it is: it guards the password, which this sign-in did not use.
      await executor.updateTable('staff').set({ last_signed_in_at: now }).where('id', '=', staffId).execute();
    },

    findCitizenBySubject: (issuer: string, subject: string) =>
      citizens(db).where('oidc_issuer', '=', issuer).where('oidc_subject', '=', subject).executeTakeFirst(),

    findCitizenByEmail: (email: string) => citizens(db).where('email', '=', email).executeTakeFirst(),

    async linkCitizen(
      executor: Db,
      citizenId: number,
      link: { issuer: string; subject: string; verifiedAt: Date; clearPassword: boolean },
    ) {
      await executor
        .updateTable('citizens')
        .set((eb) => ({
          oidc_issuer: link.issuer,
          oidc_subject: link.subject,
          email_verified_at: eb.fn.coalesce('email_verified_at', eb.val(link.verifiedAt)),
          ...(link.clearPassword ? { password_hash: null } : {}),
        }))
        .where('id', '=', citizenId)
        .execute();
    },

    /** A new citizen, or undefined when the email or the subject was taken a moment ago. */
    async insertCitizen(
      executor: Db,
      citizen: { email: string; name: string; emailVerifiedAt: Date | null; issuer: string; subject: string },
    ) {
      const row = await executor
        .insertInto('citizens')
        .values({
          email: citizen.email,
          name: citizen.name,
          password_hash: null,
          email_verified_at: citizen.emailVerifiedAt,
          oidc_issuer: citizen.issuer,
          oidc_subject: citizen.subject,
        })
        .onConflict((conflict) => conflict.doNothing())
        .returning('id')
        .executeTakeFirst();
      return row?.id;
    },
  };
}

export type SingleSignOnRepository = ReturnType<typeof createSingleSignOnRepository>;
