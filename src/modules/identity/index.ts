import type { FastifyInstance } from 'fastify';
import type { Kysely, Transaction } from 'kysely';
import type { Navigation } from '../../web/navigation.js';
import type { Config } from '../../config.js';
import type { Database } from '../../db/schema.js';
import { createCitizenRepository } from './citizen-repository.js';
import { registerCitizenRoutes } from './citizen-routes.js';
import { createCitizenService } from './citizen-service.js';
import { createOidcClient } from './oidc-client.js';
import { reachesOrganisation } from './policy.js';
import { registerSessions } from './session-plugin.js';
import { createSessionRepository } from './session-repository.js';
import { createSessionService, type SessionService } from './sessions.js';
import { createSignInFailures } from './sign-in-failures.js';
import { createIdentityProviders, singleSignOnPaths } from './single-sign-on.js';
import { createSingleSignOnRepository } from './single-sign-on-repository.js';
import { registerSingleSignOnRoutes } from './single-sign-on-routes.js';
import { createSingleSignOnService } from './single-sign-on-service.js';
import { createSingleSignOnSettings } from './single-sign-on-settings.js';
import { registerSingleSignOnSettingsRoutes } from './single-sign-on-settings-routes.js';
import { registerStaffAccountRoutes } from './staff-account-routes.js';
import { registerStaffAuthRoutes } from './staff-auth-routes.js';
import { createStaffHome, registerStaffHomeRoutes, type StaffHome } from './staff-home-routes.js';
import { identityPaths } from './paths.js';
import { createStaffRepository } from './staff-repository.js';
import { createStaffService } from './staff-service.js';

/**
 * What other modules may ask of a citizen's account: the email address to tell them about their own
 * requests. Given the caller's transaction, it reads inside it (the embedded database has one connection).
 */
export type CitizenEmail = (
  citizenId: number,
  executor?: Kysely<Database> | Transaction<Database>,
) => Promise<string | null>;

export interface IdentityDependencies {
  db: Kysely<Database>;
  config: Config;
  clock: () => Date;
  partnershipName: string;
  /** The partnership's member organisations, for choosing whose staff or provider to manage. */
  memberOrganisations: () => Promise<{ id: number; name: string }[]>;
}

/**
 * Staff and citizen accounts, sessions, sign-in by password and by OpenID Connect, and the staff
 * home page, to which every module adds its links (`staffHome`).
 */
export function createIdentityModule(deps: IdentityDependencies) {
  const sessions = createSessionService(createSessionRepository(deps.db), deps.clock);
  const staffHome = createStaffHome();
  const citizens = createCitizenRepository(deps.db);
  const citizenEmail: CitizenEmail = (citizenId, executor) => citizens.emailOf(citizenId, executor);
  const addToStaffHome: StaffHome = { add: staffHome.add };
  return {
    staffHome: addToStaffHome,
    citizenEmail,
    /** Who is asking, from the session cookie: registered before anything that renders or decides. */
    registerSessions: (app: FastifyInstance) =>
      registerSessions(app, sessions, deps.config.environment === 'production'),
    register: (app: FastifyInstance, { navigation }: { navigation: Navigation }) =>
      registerIdentityPages(app, { ...deps, sessions, staffHome, navigation }),
  };
}

function registerIdentityPages(
  app: FastifyInstance,
  deps: IdentityDependencies & {
    sessions: SessionService;
    staffHome: ReturnType<typeof createStaffHome>;
    navigation: Navigation;
  },
): void {
  const { db, config, clock, sessions, staffHome, navigation } = deps;
  const secureCookies = config.environment === 'production';
  const attemptsPerMinute = config.signInAttemptsPerMinute;
  navigation.forStaff({ href: identityPaths.staff.home, text: 'Staff home', section: 'staff' });
  navigation.forResidents({
    href: identityPaths.citizen.home,
    text: 'Your account',
    section: 'account',
    signedOut: { href: identityPaths.citizen.signIn, text: 'Sign in' },
    last: true,
  });
  staffHome.add(
    {
      href: identityPaths.staff.accounts,
      text: 'Staff accounts',
      description: 'Add staff, set their roles, end their sessions.',
      capability: 'staff.manage',
    },
    {
      href: singleSignOnPaths.settingsList,
      text: 'Single sign-on',
      description: 'Let each organisation’s staff sign in with their own organisation’s account.',
      capability: 'organisations.manage',
    },
  );

  const signInFailures = createSignInFailures(db);
  const staffRepository = createStaffRepository(db);
  const staff = createStaffService({
    db,
    repository: staffRepository,
    sessions,
    signInFailures,
    clock,
    publicUrl: config.publicUrl,
  });
  const identityProviders = createIdentityProviders(db);
  registerStaffAuthRoutes(app, staff, identityProviders, attemptsPerMinute);
  registerStaffHomeRoutes(app, staffHome.links);
  registerStaffAccountRoutes(app, staff, async (actor) =>
    (await deps.memberOrganisations()).filter((member) => reachesOrganisation(actor, member.id)),
  );

  const citizens = createCitizenService({
    db,
    repository: createCitizenRepository(db),
    sessions,
    signInFailures,
    clock,
    publicUrl: config.publicUrl,
    partnershipName: deps.partnershipName,
  });
  registerCitizenRoutes(app, citizens, {
    attemptsPerMinute,
    providerSignInPath: config.citizenOidc ? singleSignOnPaths.citizenStart : undefined,
  });

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
    createSingleSignOnSettings({
      db,
      identityProviders,
      oidc,
      clock,
      publicUrl: config.publicUrl,
      memberOrganisations: deps.memberOrganisations,
    }),
  );
}
