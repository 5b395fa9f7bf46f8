import type { Kysely, Transaction } from 'kysely';
import type { Config } from '../../config.js';
import type { Database } from '../../db/schema.js';
import { route } from '../../shared/paths.js';

export interface StaffIdentityProvider {
  organisationId: number;
  organisationName: string;
  /** Where the sign-in button sends the browser to start the OpenID Connect flow. */
  startPath: string;
}

/** One organisation's OpenID Connect provider, as an administrator set it. */
export interface StaffProviderSettings {
  organisationId: number;
  organisationName: string;
  /** Staff email addresses of this domain belong to the organisation, when recorded. */
  organisationEmailDomain: string | null;
  issuer: string;
  clientId: string;
  clientSecret: string;
  enabled: boolean;
}

export interface SavedProviderSettings {
  issuer: string;
  clientId: string;
  /** Null keeps the secret already saved. */
  clientSecret: string | null;
  enabled: boolean;
}

export interface IdentityProviders {
  listStaffProviders(): Promise<StaffIdentityProvider[]>;
  /** The organisation's provider, enabled or not, or undefined when none was ever set. */
  findStaffProvider(organisationId: number): Promise<StaffProviderSettings | undefined>;
  /** Organisation ids that have a provider, with whether it is on. */
  listProviderStatus(): Promise<Map<number, boolean>>;
  saveStaffProvider(
    executor: Transaction<Database>,
    organisationId: number,
    settings: SavedProviderSettings,
  ): Promise<void>;
}

export const singleSignOnPaths = {
  staffStart: route('/staff/sign-in/sso/:organisationId'),
  staffCallback: '/staff/sign-in/sso/callback',
  citizenStart: '/account/sign-in/oidc',
  citizenCallback: '/account/sign-in/oidc/callback',
  settingsList: '/staff/single-sign-on',
  settings: route('/staff/organisations/:id/single-sign-on'),
} as const;

/**
 * Whether citizens may sign in through the configured OpenID Connect provider (GOV.UK One Login, say).
 * The citizen sign-in page shows its button only when this is true.
 */
export function citizenOidcEnabled(config: Pick<Config, 'citizenOidc'>): boolean {
  return config.citizenOidc !== undefined;
}

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
      return rows.map((row) => ({
        organisationId: row.id,
        organisationName: row.name,
        startPath: singleSignOnPaths.staffStart({ organisationId: row.id }),
      }));
    },

    async findStaffProvider(organisationId) {
      const row = await db
        .selectFrom('organisation_identity_providers')
        .innerJoin('organisations', 'organisations.id', 'organisation_identity_providers.organisation_id')
        .select([
          'organisations.id',
          'organisations.name',
          'organisations.email_domain',
          'organisation_identity_providers.issuer_url',
          'organisation_identity_providers.client_id',
          'organisation_identity_providers.client_secret',
          'organisation_identity_providers.enabled',
        ])
        .where('organisations.id', '=', organisationId)
        .executeTakeFirst();
      if (!row) return undefined;
      return {
        organisationId: row.id,
        organisationName: row.name,
        organisationEmailDomain: row.email_domain,
        issuer: row.issuer_url,
        clientId: row.client_id,
        clientSecret: row.client_secret,
        enabled: row.enabled,
      };
    },

    async listProviderStatus() {
      const rows = await db
        .selectFrom('organisation_identity_providers')
        .select(['organisation_id', 'enabled'])
        .execute();
      return new Map(rows.map((row) => [row.organisation_id, row.enabled]));
    },

    async saveStaffProvider(executor, organisationId, settings) {
      const changes = {
        issuer_url: settings.issuer,
        client_id: settings.clientId,
        enabled: settings.enabled,
        ...(settings.clientSecret === null ? {} : { client_secret: settings.clientSecret }),
      };
      await executor
        .insertInto('organisation_identity_providers')
        .values({ organisation_id: organisationId, ...changes, client_secret: settings.clientSecret ?? '' })
        .onConflict((conflict) => conflict.column('organisation_id').doUpdateSet(changes))
        .execute();
    },
  };
}
