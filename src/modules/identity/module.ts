import type { FastifyInstance } from 'fastify';
import type { Kysely } from 'kysely';
import type { Config } from '../../config.js';
import type { Database } from '../../db/schema.js';
import { createCitizenRepository } from './citizen-repository.js';
import { registerCitizenRoutes } from './citizen-routes.js';
import { createCitizenService } from './citizen-service.js';
import { createOidcClient } from './oidc-client.js';
import type { SessionService } from './sessions.js';
import { createSignInFailures } from './sign-in-failures.js';
import { createIdentityProviders, singleSignOnPaths } from './single-sign-on.js';
import { createSingleSignOnRepository } from './single-sign-on-repository.js';
import { registerSingleSignOnRoutes } from './single-sign-on-routes.js';
import { createSingleSignOnService } from './single-sign-on-service.js';
import { createSingleSignOnSettings } from './single-sign-on-settings.js';
import { registerSingleSignOnSettingsRoutes } from './single-sign-on-settings-routes.js';
import { registerStaffAccountRoutes } from './staff-account-routes.js';
import { registerStaffAuthRoutes } from './staff-auth-routes.js';
import { registerStaffHomeRoutes, type StaffHomeLink } from './staff-home-routes.js';
import { createStaffRepository } from './staff-repository.js';
import { createStaffService } from './staff-service.js';

export interface IdentityDependencies {
  db: Kysely<Database>;
  config: Config;
  clock: () => Date;
  sessions: SessionService;
  partnershipName: string;
  staffHomeLinks: StaffHomeLink[];
  /** The partnership's member organisations, for choosing whose staff or provider to manage. */
  memberOrganisations: () => Promise<{ id: number; name: string }[]>;
}

/** Staff and citizen accounts, sign-in by password and by OpenID Connect, and the staff home page. */
export function registerIdentity(app: FastifyInstance, deps: IdentityDependencies): void {
  const { db, config, clock, sessions } = deps;
  const secureCookies = config.environment === 'production';
  const attemptsPerMinute = config.signInAttemptsPerMinute;

  const signInFailures = createSignInFailures(db);
  const staffRepository = createStaffRepository(db);
  const staff = createStaffService({ db, repository: staffRepository, sessions, signInFailures, clock, publicUrl: config.publicUrl });
  const identityProviders = createIdentityProviders(db);
  registerStaffAuthRoutes(app, staff, identityProviders, attemptsPerMinute);
  registerStaffHomeRoutes(app, deps.staffHomeLinks);
  registerStaffAccountRoutes(app, staff, async (actor) => {
    const members = await deps.memberOrganisations();
    return actor.roles.includes('partnership_admin') ? members : members.filter((member) => member.id === actor.organisationId);
  });

  const citizens = createCitizenService({ db, repository: createCitizenRepository(db), sessions, signInFailures, clock, publicUrl: config.publicUrl, partnershipName: deps.partnershipName });
  registerCitizenRoutes(app, citizens, { attemptsPerMinute, providerSignInPath: config.citizenOidc ? singleSignOnPaths.citizenStart : undefined });

  const oidc = createOidcClient();
  const singleSignOn = createSingleSignOnService({
    db,
    oidc,
    identityProviders,
    repository: createSingleSignOnRepository(db),
    staffRepository,
    sessions,
    clock,
    publicUrl: config.publicUrl,
    citizenProvider: config.citizenOidc,
  });
  registerSingleSignOnRoutes(app, singleSignOn, { publicUrl: config.publicUrl, secureCookies, attemptsPerMinute });
  registerSingleSignOnSettingsRoutes(
    app,
    createSingleSignOnSettings({ db, identityProviders, oidc, clock, publicUrl: config.publicUrl, memberOrganisations: deps.memberOrganisations }),
  );
}
