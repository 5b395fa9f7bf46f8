import { createHmac } from 'node:crypto';
import { createReadStream } from 'node:fs';
import { createRequire } from 'node:module';
import path from 'node:path';
import cookie from '@fastify/cookie';
import csrfProtection from '@fastify/csrf-protection';
import formbody from '@fastify/formbody';
import rateLimit from '@fastify/rate-limit';
import fastifyStatic from '@fastify/static';
import Fastify, { type FastifyInstance } from 'fastify';
import type { Kysely } from 'kysely';
import type { Config } from './config.js';
import type { Database } from './db/schema.js';
import { createAuditBrowseService } from './modules/audit/browse-service.js';
import { createAuditRepository } from './modules/audit/repository.js';
import { registerAuditRoutes } from './modules/audit/routes.js';
import { registerDirectoryApi } from './modules/directory/api.js';
import { createDirectoryRepository } from './modules/directory/repository.js';
import { registerDirectoryRoutes } from './modules/directory/routes.js';
import { createDirectoryService } from './modules/directory/service.js';
import { loadSearchSynonyms } from './modules/directory/synonyms.js';
import { registerHealthRoutes } from './modules/health/routes.js';
import { registerOpenApi } from './api/openapi.js';
import { createPartnershipRepository } from './modules/partnership/repository.js';
import { registerPartnershipRoutes } from './modules/partnership/routes.js';
import { createCasesModule, registerCases } from './modules/cases/index.js';
import { createPartnershipServices } from './modules/partnership/service.js';
import { createActiveAgreementFinder, provideSharingRule } from './modules/partnership/sharing.js';
import { registerPlacesApi } from './modules/places/api.js';
import { buildBoundaryIndex } from './modules/places/boundary-index.js';
import { createPlacesRepository } from './modules/places/repository.js';
import { registerPlacesRoutes } from './modules/places/routes.js';
import { createPlacesService } from './modules/places/service.js';
import { createSessionRepository } from './modules/identity/session-repository.js';
import { registerSessions } from './modules/identity/session-plugin.js';
import { createSessionService } from './modules/identity/sessions.js';
import { registerIdentity } from './modules/identity/module.js';
import type { StaffHomeLink } from './modules/identity/staff-home-routes.js';
import { createOutboxRepository } from './modules/notify/repository.js';
import { registerNotifyRoutes } from './modules/notify/routes.js';
import { createOutboxService } from './modules/notify/service.js';
import { refreshing } from './shared/cache.js';
import { sourceFolder } from './shared/project-root.js';
import { registerErrorPages } from './web/error-pages.js';
import { isFormRoute, registerInputChecks } from './web/input-checks.js';
import { redactSecrets } from './web/redact.js';
import { OneLinePerRequest } from './web/request-log.js';
import { registerRendering } from './web/rendering.js';
import { registerSecurityHeaders } from './web/security-headers.js';
import { createViewEnvironment, govukFrontendRoot } from './web/views.js';

export interface AppDependencies {
  config: Config;
  db: Kysely<Database>;
  /** The time, injectable so tests can move it (session expiry, lockouts, due dates). */
  clock?: () => Date;
}

/** One registered route: its methods and its address pattern, as Fastify was given them. */
export interface RouteEntry {
  methods: string[];
  url: string;
}

declare module 'fastify' {
  interface FastifyInstance {
    /** Every route the app registered, in order: the fuzz suite walks it, so a new route is tried without being listed. */
    readonly routeTable: readonly RouteEntry[];
  }
}

/** The staff area's front page, in order; each module's pages join this list as they are built. */
const staffHomeLinks: StaffHomeLink[] = [
  { href: '/staff/accounts', text: 'Staff accounts', description: 'Add staff, set their roles, end their sessions.', capability: 'staff.manage' },
  { href: '/staff/single-sign-on', text: 'Single sign-on', description: 'Let each organisation’s staff sign in with their own organisation’s account.', capability: 'organisations.manage' },
  { href: '/staff/audit', text: 'Audit log', description: 'Who did what, to which record, and when; export it or check it has not been changed.', capability: 'audit.view' },
  { href: '/staff/outbox', text: 'Email outbox', description: 'Every email the service sends: waiting, sent or failed, and why.', capability: 'outbox.view' },
  { href: '/staff/organisations', text: 'Organisations', description: 'Councils and partner bodies; add and change partner bodies.' },
  { href: '/staff/partnerships', text: 'Partnerships and projects', description: 'Partnerships, their members, and the projects they run with their benefits.' },
  { href: '/staff/lessons', text: 'Lessons learned', description: 'What has worked and what has not, across every project.' },
  { href: '/staff/agreements', text: 'Data-sharing agreements', description: 'Which organisations may see each other’s records, for what and when.', capability: 'agreements.view' },
  { href: '/staff/request-types', text: 'Request types and teams', description: 'What residents may report to each council, its questions and target, and the teams that receive it.', capability: 'catalogue.manage' },
  { href: '/staff/cases', text: 'Cases', description: 'Your organisation’s cases: work them, find any case you may see by its reference, export them; managers see open and overdue work per team.', capability: 'cases.work' },
  { href: '/staff/record-a-contact', text: 'Record a contact', description: 'Record a request from phone, face to face, email, an outreach visit or a partner agency.', capability: 'cases.work' },
  // API keys are for partnership administrators, the same people as organisations.manage.
  { href: '/staff/api-keys', text: 'API keys', description: 'Keys for systems that send and follow requests through Open311, such as FixMyStreet or a council’s back office.', capability: 'organisations.manage' },
];

/** How long a process trusts its copy of the partnership's members: another process's change shows within this. */
const MEMBERS_MAX_AGE_MS = 5_000;

const publicFolder = path.join(sourceFolder, 'web/public');
const leafletDist = path.join(path.dirname(createRequire(import.meta.url).resolve('leaflet/package.json')), 'dist');

/**
 * The composition root: wires repositories → services → routes for every module. Nothing is a
 * module-level singleton, so each test builds its own app on its own database.
 */
export async function buildApp({ config, db, clock = () => new Date() }: AppDependencies): Promise<FastifyInstance> {
  const app = Fastify({
    logger: {
      level: config.logLevel,
      // Keys and one-use tokens travel in some addresses (Open311 clients, emailed links): never log them.
      serializers: {
        req: (request) => ({ method: request.method, url: redactSecrets(request.url), remoteAddress: request.ip }),
      },
    },
    // Only the proxies TRUST_PROXY names may say who the client is (X-Forwarded-For): by default, none.
    trustProxy: trustProxyOption(config.trustProxy),
    logController: new OneLinePerRequest(),
  });
  const routeTable: RouteEntry[] = [];
  app.decorate('routeTable', { getter: () => routeTable });
  app.addHook('onRoute', (route) => {
    routeTable.push({ methods: [route.method].flat(), url: route.url });
  });

  await registerSecurity(app, config);
  await app.register(formbody);
  await registerAssets(app);
  await registerOpenApi(app); // before the routes it describes

  const sessions = createSessionService(createSessionRepository(db), clock);
  registerSessions(app, sessions, config.environment === 'production');

  const partnerships = createPartnershipRepository(db);
  const partnership = await partnerships.findPartnership(config.partnership);
  if (!partnership) throw new Error(`Partnership "${config.partnership}" is not in the database: import its data first`);
  registerRendering(app, createViewEnvironment({ reloadTemplates: config.reloadTemplates }), { partnershipName: partnership.name });

  const placesRepository = createPlacesRepository(db);
  const boundaries = buildBoundaryIndex(await placesRepository.listBoundaries());
  const places = createPlacesService({ repository: placesRepository, boundaries, partnershipSlug: config.partnership });
  const directory = createDirectoryService(createDirectoryRepository(db), await loadSearchSynonyms());

  // Asked by most requests (routing, the catalogue, staff pages); joining and leaving drop the copy.
  const members = refreshing(() => partnerships.listMemberOrganisations(config.partnership), MEMBERS_MAX_AGE_MS);
  const memberOrganisations = () => members.get();
  const membersChanged = () => {
    members.invalidate();
    places.membersChanged();
  };
  registerIdentity(app, { db, config, clock, sessions, partnershipName: partnership.name, staffHomeLinks, memberOrganisations });

  const audit = createAuditBrowseService({ db, repository: createAuditRepository(db), clock });
  registerAuditRoutes(app, audit, memberOrganisations);

  const outbox = createOutboxService({ db, repository: createOutboxRepository(db), clock });
  registerNotifyRoutes(app, outbox, { sending: config.smtpUrl !== undefined });

  // The sharing rule: every module that shows one organisation's records to another is handed this.
  const activeAgreements = createActiveAgreementFinder(db);
  provideSharingRule(app, activeAgreements);
  registerPartnershipRoutes(app, createPartnershipServices({ db, clock, ownPartnership: config.partnership, onMembersChanged: membersChanged }));

  const casesModule = createCasesModule({
    db,
    config,
    clock,
    places,
    agreements: activeAgreements,
    referencePrefix: partnership.reference_prefix,
    memberOrganisationIds: async () => (await memberOrganisations()).map((member) => member.id),
  });
  registerCases(app, casesModule);

  registerHealthRoutes(app, db);
  registerPlacesApi(app, places);
  registerPlacesRoutes(app, places);
  registerDirectoryApi(app, directory, places);
  registerDirectoryRoutes(app, directory, places);
  registerErrorPages(app);
  return app;
}

/**
 * Fastify takes a hop count at run time but its types do not: a count becomes the function it would
 * make of it (trust the n addresses nearest the app).
 */
function trustProxyOption(trustProxy: Config['trustProxy']): false | string[] | ((address: string, hop: number) => boolean) {
  return typeof trustProxy === 'number' ? (_address, hop) => hop < trustProxy : trustProxy;
}

async function registerSecurity(app: FastifyInstance, config: Config): Promise<void> {
  const production = config.environment === 'production';
  registerSecurityHeaders(app, { production, imageSources: config.mapTiles ? [config.mapTiles.cspSource] : [] });
  // The IETF's RateLimit-Limit / -Remaining / -Reset headers and Retry-After; the error pages answer
  // the 429 in the caller's own format (a page, JSON, or Open311's XML).
  await app.register(rateLimit, { max: config.rateLimitPerMinute, timeWindow: '1 minute', enableDraftSpec: true });
  await app.register(cookie, { secret: config.sessionSecret });
  await app.register(csrfProtection, {
    cookieOpts: { path: '/', httpOnly: true, sameSite: 'lax', secure: production, signed: true },
    // Each token is bound to the session it was issued in (request.csrfBinding, set by the session
    // plugin): a token from before sign-in, or another browser's token with its cookie, is refused.
    // The sign-in forms themselves are posted with no session, and so with a token of no session.
    getUserInfo: (request) => request.csrfBinding,
    // Its own key, derived from the cookie secret, so that one secret does not serve two purposes.
    csrfOpts: { userInfo: true, hmacKey: createHmac('sha256', config.sessionSecret).update('shirehall csrf tokens').digest() },
  });
  // Every form post is checked, after its body is parsed. The APIs authenticate by key instead.
  app.addHook('onRoute', (route) => {
    if (isFormRoute(route)) route.preHandler = [app.csrfProtection, ...[route.preHandler ?? []].flat()];
  });
  registerInputChecks(app);
}

async function registerAssets(app: FastifyInstance): Promise<void> {
  const govuk = path.join(govukFrontendRoot, 'dist/govuk');
  await app.register(fastifyStatic, { root: path.join(govuk, 'assets'), prefix: '/assets/', maxAge: '1d' });
  await app.register(fastifyStatic, { root: publicFolder, prefix: '/public/', decorateReply: false, maxAge: '1h' });
  // Leaflet for the maps, from the installed package: no CDN.
  await app.register(fastifyStatic, { root: leafletDist, prefix: '/assets/leaflet/', decorateReply: false, maxAge: '1d' });
  // The styles are built by `npm install` (scripts/build-styles.mjs) into public/build; the script is GOV.UK's own.
  const bundles = { 'govuk-frontend.min.js': 'text/javascript' };
  for (const [file, type] of Object.entries(bundles)) {
    app.get(`/assets/${file}`, { config: { rateLimit: false } }, (_request, reply) =>
      reply.type(type).header('cache-control', 'public, max-age=86400').send(createReadStream(path.join(govuk, file))),
    );
  }
}
