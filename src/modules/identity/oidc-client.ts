import * as oidc from 'openid-client';

/** Where to sign in, and who we are there. */
export interface OidcProviderSettings {
  issuer: string;
  clientId: string;
  clientSecret: string;
}

/** What must survive the round trip through the provider, kept in a signed cookie meanwhile. */
export interface PendingSignIn {
  state: string;
  nonce: string;
  codeVerifier: string;
}

/** The person the provider vouched for: from the ID token, completed from the UserInfo endpoint. */
export interface VerifiedIdentity {
  issuer: string;
  subject: string;
  email: string | undefined;
  /** Undefined when the provider says nothing about it. */
  emailVerified: boolean | undefined;
  name: string | undefined;
}

export type OidcFailure =
  /** The provider sent the person back with an error, such as access_denied when they cancelled. */
  | 'refused'
  /** The provider could not be reached, or its discovery document is missing. */
  | 'unreachable'
  /** The response did not check out: wrong state, bad token, code already used. */
  | 'invalid'
  /** The provider offers no client authentication we support (client_secret_basic or client_secret_post). */
  | 'unsupported';

export class OidcSignInError extends Error {
  constructor(
    readonly failure: OidcFailure,
    message: string,
    /** The provider's own error code, when it sent one (access_denied, login_required, ...). */
    readonly providerError?: string,
    options?: { cause?: unknown },
  ) {
    super(message, options);
    this.name = 'OidcSignInError';
  }
}

const DISCOVERY_CACHE_MS = 15 * 60_000;
const REQUEST_TIMEOUT_SECONDS = 10;

/**
 * Plain http is accepted only for a provider on this machine (tests and development); anywhere else
 * the issuer must be https, so no token or code crosses a network in the clear.
 */
export function isLoopbackHttp(issuer: string): boolean {
  const url = new URL(issuer);
  return url.protocol === 'http:' && ['127.0.0.1', 'localhost', '[::1]'].includes(url.hostname);
}

/** client_secret_basic is the OpenID Connect default; client_secret_post when that is all the provider takes. */
function clientAuthentication(supported: string[] | undefined, secret: string): oidc.ClientAuth {
  if (!supported || supported.includes('client_secret_basic')) return oidc.ClientSecretBasic(secret);
  if (supported.includes('client_secret_post')) return oidc.ClientSecretPost(secret);
  throw new OidcSignInError('unsupported', `The provider supports only ${supported.join(', ')} client authentication`);
}

function classify(error: unknown): OidcSignInError {
  if (error instanceof OidcSignInError) return error;
  if (error instanceof oidc.AuthorizationResponseError) {
    return new OidcSignInError('refused', error.error_description ?? error.error, error.error, { cause: error });
  }
  if (error instanceof oidc.ResponseBodyError || error instanceof oidc.WWWAuthenticateChallengeError) {
    return new OidcSignInError('invalid', error.message, undefined, { cause: error });
  }
  const cause = error instanceof Error ? error.cause : undefined;
  const network = (candidate: unknown) =>
    candidate instanceof TypeError ||
    (candidate instanceof Error && ['AbortError', 'TimeoutError'].includes(candidate.name));
  if (network(error) || network(cause)) {
    return new OidcSignInError(
      'unreachable',
      error instanceof Error ? error.message : 'The provider could not be reached',
      undefined,
      { cause: error },
    );
  }
  return new OidcSignInError('invalid', error instanceof Error ? error.message : String(error), undefined, {
    cause: error,
  });
}

const stringClaim = (value: unknown) => (typeof value === 'string' && value.trim() !== '' ? value.trim() : undefined);
const booleanClaim = (value: unknown) =>
  typeof value === 'boolean' ? value : value === 'true' ? true : value === 'false' ? false : undefined;

/**
 * The authorization code flow with PKCE, state and nonce, over openid-client. Discovery documents are
 * kept for a few minutes per provider and client, so a sign-in costs no extra round trip.
 */
export function createOidcClient() {
  const configurations = new Map<string, { expires: number; configuration: Promise<oidc.Configuration> }>();

  async function discover(settings: OidcProviderSettings): Promise<oidc.Configuration> {
    const insecure = isLoopbackHttp(settings.issuer);
    const options: oidc.DiscoveryRequestOptions = {
      timeout: REQUEST_TIMEOUT_SECONDS,
      ...(insecure ? { execute: [oidc.allowInsecureRequests] } : {}),
    };
    const discovered = await oidc.discovery(
      new URL(settings.issuer),
      settings.clientId,
      undefined,
      oidc.None(),
      options,
    );
    const metadata = discovered.serverMetadata();
    const auth = clientAuthentication(metadata.token_endpoint_auth_methods_supported, settings.clientSecret);
    const configuration = new oidc.Configuration(metadata, settings.clientId, settings.clientSecret, auth);
    if (insecure) oidc.allowInsecureRequests(configuration);
    return configuration;
  }

  function configurationFor(settings: OidcProviderSettings): Promise<oidc.Configuration> {
    const key = JSON.stringify([settings.issuer, settings.clientId, settings.clientSecret]);
    const cached = configurations.get(key);
    if (cached && cached.expires > Date.now()) return cached.configuration;
    const configuration = discover(settings);
    configurations.set(key, { expires: Date.now() + DISCOVERY_CACHE_MS, configuration });
    // A failed discovery is not remembered: the next sign-in tries again.
    configuration.catch(() => configurations.delete(key));
    return configuration;
  }

  return {
    /** Checks the issuer answers with a discovery document we can use; throws OidcSignInError if not. */
    async checkProvider(settings: OidcProviderSettings): Promise<void> {
      try {
        await configurationFor(settings);
      } catch (error) {
        throw classify(error);
      }
    },

    /** The provider's address to send the browser to, and what to remember until it comes back. */
    async startSignIn(
      settings: OidcProviderSettings,
      redirectUri: string,
    ): Promise<{ url: string; pending: PendingSignIn }> {
      try {
        const configuration = await configurationFor(settings);
        const pending = {
          state: oidc.randomState(),
          nonce: oidc.randomNonce(),
          codeVerifier: oidc.randomPKCECodeVerifier(),
        };
        // The profile scope (for a name) is asked for only where offered: GOV.UK One Login refuses scopes it does not know.
        const offered = configuration.serverMetadata().scopes_supported;
        const scope = ['openid', 'email', ...(offered?.includes('profile') ? ['profile'] : [])].join(' ');
        const url = oidc.buildAuthorizationUrl(configuration, {
          redirect_uri: redirectUri,
          scope,
          state: pending.state,
          nonce: pending.nonce,
          code_challenge: await oidc.calculatePKCECodeChallenge(pending.codeVerifier),
          code_challenge_method: 'S256',
        });
        return { url: url.href, pending };
      } catch (error) {
        throw classify(error);
      }
    },

    /**
     * Checks the provider's answer against what was pending (state, nonce, PKCE), exchanges the code,
     * verifies the ID token, and reads the person's claims.
     */
    async finishSignIn(
      settings: OidcProviderSettings,
      callbackUrl: URL,
      pending: PendingSignIn,
    ): Promise<VerifiedIdentity> {
      try {
        const configuration = await configurationFor(settings);
        const tokens = await oidc.authorizationCodeGrant(configuration, callbackUrl, {
          pkceCodeVerifier: pending.codeVerifier,
          expectedState: pending.state,
          expectedNonce: pending.nonce,
          idTokenExpected: true,
        });
        const idToken = tokens.claims();
        if (!idToken) throw new OidcSignInError('invalid', 'The provider returned no ID token');
        let claims: Record<string, unknown> = idToken;
        // Many providers (GOV.UK One Login among them) give the email only from the UserInfo endpoint;
        // its answer must be about the same subject as the ID token, which fetchUserInfo checks.
        if (stringClaim(idToken.email) === undefined && configuration.serverMetadata().userinfo_endpoint) {
          claims = { ...(await oidc.fetchUserInfo(configuration, tokens.access_token, idToken.sub)), ...idToken };
        }
        const fullName = [stringClaim(claims.given_name), stringClaim(claims.family_name)].filter(Boolean).join(' ');
        return {
          issuer: idToken.iss,
          subject: idToken.sub,
          email: stringClaim(claims.email)?.toLowerCase(),
          emailVerified: booleanClaim(claims.email_verified),
          name: stringClaim(claims.name) ?? stringClaim(fullName),
        };
      } catch (error) {
        throw classify(error);
      }
    },
  };
}

export type OidcClient = ReturnType<typeof createOidcClient>;
