import type { Kysely } from 'kysely';
import type { Database } from '../../db/schema.js';
import { recordAudit } from '../audit/service.js';
import {
  OidcSignInError,
  type OidcClient,
  type OidcFailure,
  type OidcProviderSettings,
  type PendingSignIn,
  type VerifiedIdentity,
} from './oidc-client.js';
import { NotFoundError } from '../../shared/errors.js';
import type { SessionService } from './sessions.js';
import { singleSignOnPaths, type IdentityProviders } from './single-sign-on.js';
import type { SingleSignOnRepository } from './single-sign-on-repository.js';
import type { StaffRepository } from './staff-repository.js';

export interface SingleSignOnDependencies {
  db: Kysely<Database>;
  oidc: OidcClient;
  identityProviders: IdentityProviders;
  repository: SingleSignOnRepository;
  staffRepository: StaffRepository;
  sessions: SessionService;
  clock: () => Date;
  publicUrl: string;
  citizenProvider: OidcProviderSettings | undefined;
}

type Failed = { outcome: 'failed'; failure: OidcFailure; providerError?: string; detail: string };
type NoUsableEmail = { outcome: 'no-email' } | { outcome: 'email-not-verified' };

export type StaffSignInResult =
  | { outcome: 'signed-in'; staffId: number }
  | { outcome: 'no-account'; email: string; organisationName: string }
  | { outcome: 'disabled'; organisationName: string }
  | NoUsableEmail
  | Failed;

export type CitizenSignInResult =
  { outcome: 'signed-in'; citizenId: number } | { outcome: 'email-in-use'; email: string } | NoUsableEmail | Failed;

function failed(error: unknown): Failed {
  if (!(error instanceof OidcSignInError)) throw error;
  return { outcome: 'failed', failure: error.failure, providerError: error.providerError, detail: error.message };
}

/** "sam.jones@example.org" → "sam.jones": a name to start with when the provider gives none. */
function nameFrom(identity: VerifiedIdentity, email: string): string {
  return (identity.name ?? email.split('@')[0]).slice(0, 200);
}

/**
 * Signing in through OpenID Connect: staff through their own organisation's provider, citizens through
 * the one citizen provider (GOV.UK One Login, say). The provider proves who the person is; these rules
 * decide which account, if any, that person may use here.
 */
export function createSingleSignOnService(deps: SingleSignOnDependencies) {
  const { db, oidc, identityProviders, repository, clock } = deps;
  const staffRedirectUri = `${deps.publicUrl}${singleSignOnPaths.staffCallback}`;
  const citizenRedirectUri = `${deps.publicUrl}${singleSignOnPaths.citizenCallback}`;

  async function enabledStaffProvider(organisationId: number) {
    const provider = await identityProviders.findStaffProvider(organisationId);
    return provider?.enabled ? provider : undefined;
  }

  function requireCitizenProvider(): OidcProviderSettings {
    if (!deps.citizenProvider) throw new NotFoundError();
    return deps.citizenProvider;
  }

  return {
    /** Whether a citizen provider is configured; without one the citizen routes do not exist. */
    citizenSignInAvailable: deps.citizenProvider !== undefined,

    /** Where to send the browser to sign in with the organisation's provider; 404 when it has none switched on. */
    async startStaffSignIn(organisationId: number): Promise<{ url: string; pending: PendingSignIn } | Failed> {
      const provider = await enabledStaffProvider(organisationId);
      if (!provider) throw new NotFoundError();
      return oidc.startSignIn(provider, staffRedirectUri).catch(failed);
    },

    /**
     * Completes a staff sign-in started for `organisationId`. Only a member of staff of THAT
     * organisation may be signed in: its provider vouches for its own people and no one else's.
     */
    async finishStaffSignIn(input: {
      organisationId: number;
      pending: PendingSignIn;
      callbackUrl: URL;
      ip: string;
    }): Promise<StaffSignInResult> {
      const provider = await enabledStaffProvider(input.organisationId);
      if (!provider)
        return {
          outcome: 'failed',
          failure: 'invalid',
          detail: 'The organisation no longer has a provider switched on',
        };
      let identity: VerifiedIdentity;
      try {
        identity = await oidc.finishSignIn(provider, input.callbackUrl, input.pending);
      } catch (error) {
        return failed(error);
      }

      const now = clock();
      const attempt = (reason: string, staffId: number | null = null) =>
        recordAudit(
          db,
          {
            actor: {
              kind: 'system',
              label: `single sign-on attempt as ${identity.email ?? identity.subject} via ${provider.organisationName}`,
            },
            action: 'sign-in-failed',
            recordType: 'staff',
            recordId: staffId,
            detail: {
              method: 'single-sign-on',
              reason,
              organisationId: provider.organisationId,
              issuer: identity.issuer,
              subject: identity.subject,
            },
            ipAddress: input.ip,
          },
          now,
        );

      const email = identity.email;
      if (!email) {
        await attempt('no email');
        return { outcome: 'no-email' };
      }
      // The organisation's own directory vouches for its own people's addresses, and some (Microsoft
      // Entra ID) never send email_verified. So: "false" is refused; silence is accepted, unless the
      // organisation has an email domain recorded and the address is outside it.
      const domain = provider.organisationEmailDomain?.toLowerCase();
      const outsideDomain = domain !== undefined && !email.endsWith(`@${domain}`);
      if (identity.emailVerified === false || (identity.emailVerified === undefined && outsideDomain)) {
        await attempt('email not verified');
        return { outcome: 'email-not-verified' };
      }

      const staff = await deps.staffRepository.findByEmail(email);
      if (!staff || staff.organisation_id !== provider.organisationId) {
        await attempt(staff ? 'staff of another organisation' : 'no staff account', staff?.id ?? null);
        return { outcome: 'no-account', email, organisationName: provider.organisationName };
      }
      if (staff.disabled_at) {
        await attempt('account disabled', staff.id);
        return { outcome: 'disabled', organisationName: provider.organisationName };
      }

      await db.transaction().execute(async (trx) => {
        await repository.recordStaffSignIn(trx, staff.id, now);
        await recordAudit(
          trx,
          {
            actor: { kind: 'system', label: `${staff.name} <${staff.email}>` },
            action: 'sign-in',
            recordType: 'staff',
            recordId: staff.id,
            detail: { method: 'single-sign-on', issuer: identity.issuer, subject: identity.subject },
            ipAddress: input.ip,
          },
          now,
        );
      });
      return { outcome: 'signed-in', staffId: staff.id };
    },

    /** Where to send the browser to sign in with the citizen provider; 404 when none is configured. */
    async startCitizenSignIn(): Promise<{ url: string; pending: PendingSignIn } | Failed> {
      return oidc.startSignIn(requireCitizenProvider(), citizenRedirectUri).catch(failed);
    },

    /**
     * Completes a citizen sign-in: the account already linked to this subject; else the account with
     * the same, verified, email (linked now); else a new account.
     */
    async finishCitizenSignIn(input: {
      pending: PendingSignIn;
      callbackUrl: URL;
      ip: string;
    }): Promise<CitizenSignInResult> {
      const provider = requireCitizenProvider();
      let identity: VerifiedIdentity;
      try {
        identity = await oidc.finishSignIn(provider, input.callbackUrl, input.pending);
      } catch (error) {
        return failed(error);
      }
      const now = clock();
      const audit = (
        action: string,
        citizenId: number,
        label: string,
        executor: Parameters<typeof recordAudit>[0] = db,
      ) =>
        recordAudit(
          executor,
          {
            actor: { kind: 'system', label },
            action,
            recordType: 'citizen',
            recordId: citizenId,
            detail: { method: 'openid-connect', issuer: identity.issuer, subject: identity.subject },
            ipAddress: input.ip,
          },
          now,
        );

      const linked = await repository.findCitizenBySubject(identity.issuer, identity.subject);
      if (linked) {
        await audit('sign-in', linked.id, `${linked.name} <${linked.email}>`);
        return { outcome: 'signed-in', citizenId: linked.id };
      }

      const email = identity.email;
      if (!email) return { outcome: 'no-email' };
      const existing = await repository.findCitizenByEmail(email);
      if (existing) {
        // Only an address the provider has verified may claim an account, and only one not linked already.
        if (identity.emailVerified !== true || existing.oidc_subject !== null)
          return { outcome: 'email-in-use', email };
        // Whoever registered an address they never verified may not own it: their password stops working.
        const unproven = existing.email_verified_at === null;
        await db.transaction().execute(async (trx) => {
          await repository.linkCitizen(trx, existing.id, {
            issuer: identity.issuer,
            subject: identity.subject,
            verifiedAt: now,
            clearPassword: unproven,
          });
          await audit('link-openid-connect', existing.id, `${existing.name} <${existing.email}>`, trx);
        });
        if (unproven) await deps.sessions.endAllForCitizen(existing.id);
        return { outcome: 'signed-in', citizenId: existing.id };
      }

      const name = nameFrom(identity, email);
      const citizenId = await db.transaction().execute(async (trx) => {
        const id = await repository.insertCitizen(trx, {
          email,
          name,
          emailVerifiedAt: identity.emailVerified === true ? now : null,
          issuer: identity.issuer,
          subject: identity.subject,
        });
        if (id !== undefined) await audit('create', id, `${name} <${email}>`, trx);
        return id;
      });
      if (citizenId !== undefined) return { outcome: 'signed-in', citizenId };
      // Another request made the account a moment ago: the same person signing in twice at once.
      const raced = await repository.findCitizenBySubject(identity.issuer, identity.subject);
      return raced ? { outcome: 'signed-in', citizenId: raced.id } : { outcome: 'email-in-use', email };
    },
  };
}

export type SingleSignOnService = ReturnType<typeof createSingleSignOnService>;
