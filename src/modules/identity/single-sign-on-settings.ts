import type { Kysely } from 'kysely';
import type { Database } from '../../db/schema.js';
import { recordAudit } from '../audit/service.js';
import type { Actor } from '../../shared/actor.js';
import { OidcSignInError, type OidcClient, type OidcFailure } from './oidc-client.js';
import { requireCapability } from './policy.js';
import { NotFoundError } from '../../shared/errors.js';
import { singleSignOnPaths, type IdentityProviders } from './single-sign-on.js';
import type { ProviderSettingsForm } from './single-sign-on-schemas.js';

export interface MemberOrganisation {
  id: number;
  name: string;
}

export interface SingleSignOnSettingsDependencies {
  db: Kysely<Database>;
  identityProviders: IdentityProviders;
  oidc: OidcClient;
  /** The organisations of the partnership this installation serves. */
  memberOrganisations: () => Promise<MemberOrganisation[]>;
  clock: () => Date;
  publicUrl: string;
}

export type SaveResult =
  { outcome: 'saved' } | { outcome: 'secret-missing' } | { outcome: 'provider-unusable'; failure: OidcFailure };

/** Only the last few characters, and only of a secret long enough that they give nothing away. */
function secretHint(secret: string): string | undefined {
  return secret.length >= 16 ? secret.slice(-4) : undefined;
}

/** Partnership administrators set which OpenID Connect provider each member organisation's staff use. */
export function createSingleSignOnSettings(deps: SingleSignOnSettingsDependencies) {
  const { db, identityProviders, clock } = deps;

  async function findMember(organisationId: number): Promise<MemberOrganisation> {
    const organisation = (await deps.memberOrganisations()).find((member) => member.id === organisationId);
    if (!organisation) throw new NotFoundError();
    return organisation;
  }

  return {
    /** The address each provider must have registered as our redirect URI. */
    redirectUri: `${deps.publicUrl}${singleSignOnPaths.staffCallback}`,

    async listOrganisations(actor: Actor) {
      requireCapability(actor, 'organisations.manage');
      const [members, status] = await Promise.all([deps.memberOrganisations(), identityProviders.listProviderStatus()]);
      return members.map((member) => ({
        ...member,
        provider: status.has(member.id) ? (status.get(member.id) ? 'on' : 'off') : 'none',
      }));
    },

    /** The settings to show: never the client secret, only whether one is saved and how it ends. */
    async get(actor: Actor, organisationId: number) {
      requireCapability(actor, 'organisations.manage');
      const organisation = await findMember(organisationId);
      const provider = await identityProviders.findStaffProvider(organisationId);
      return {
        organisation,
        settings: provider
          ? {
              issuerUrl: provider.issuer,
              clientId: provider.clientId,
              enabled: provider.enabled,
              secretSaved: provider.clientSecret !== '',
              secretHint: secretHint(provider.clientSecret),
            }
          : undefined,
      };
    },

    /**
     * Saves the settings. A provider being switched on must answer at its issuer URL first, so staff
     * are never sent to one that does not work.
     */
    async save(actor: Actor, organisationId: number, form: ProviderSettingsForm): Promise<SaveResult> {
      const admin = requireCapability(actor, 'organisations.manage');
      await findMember(organisationId);
      const current = await identityProviders.findStaffProvider(organisationId);
      const newSecret = form.clientSecret === '' ? null : form.clientSecret;
      const secret = newSecret ?? current?.clientSecret ?? '';
      if (secret === '') return { outcome: 'secret-missing' };
      if (form.enabled) {
        try {
          await deps.oidc.checkProvider({ issuer: form.issuerUrl, clientId: form.clientId, clientSecret: secret });
        } catch (error) {
          if (!(error instanceof OidcSignInError)) throw error;
          return { outcome: 'provider-unusable', failure: error.failure };
        }
      }
      await db.transaction().execute(async (trx) => {
        await identityProviders.saveStaffProvider(trx, organisationId, {
          issuer: form.issuerUrl,
          clientId: form.clientId,
          clientSecret: newSecret,
          enabled: form.enabled,
        });
        await recordAudit(
          trx,
          {
            actor: admin,
            action: current ? 'update' : 'create',
            recordType: 'organisation_identity_provider',
            recordId: organisationId,
            // Never the secret itself: only that it changed.
            detail: {
              issuerUrl: form.issuerUrl,
              clientId: form.clientId,
              enabled: form.enabled,
              clientSecretChanged: newSecret !== null,
            },
          },
          clock(),
        );
      });
      return { outcome: 'saved' };
    },
  };
}

export type SingleSignOnSettings = ReturnType<typeof createSingleSignOnSettings>;
