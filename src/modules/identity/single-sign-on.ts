import type { Kysely } from 'kysely';
import type { Database } from '../../db/schema.js';

export interface StaffIdentityProvider {
  organisationId: number;
  organisationName: string;
  /** Where the sign-in button sends the browser to start the OpenID Connect flow. */
  startPath: string;
}

export interface IdentityProviders {
  listStaffProviders(): Promise<StaffIdentityProvider[]>;
}

export const singleSignOnPaths = {
  staffStart: (organisationId: number) => `/staff/sign-in/sso/${organisationId}`,
  staffStartRoute: '/staff/sign-in/sso/:organisationId',
  staffCallback: '/staff/sign-in/sso/callback',
  citizenStart: '/account/sign-in/oidc',
  citizenCallback: '/account/sign-in/oidc/callback',
} as const;

/** The organisations whose staff sign in through their own OpenID Connect provider. */
export function createIdentityProviders(db: Kysely<Database>): IdentityProviders {
  return {
    async listStaffProviders() {
      const rows = await db
        .selectFrom('organisation_identity_providers')
        .innerJoin('organisations', 'organisations.id', 'organisation_identity_providers.organisation_id')
        .select(['organisations.id', 'organisations.name'])
        .where('organisation_identity_providers.enabled', '=', true)
        .orderBy('organisations.name')
        .execute();
      return rows.map((row) => ({ organisationId: row.id, organisationName: row.name, startPath: singleSignOnPaths.staffStart(row.id) }));
    },
  };
}
