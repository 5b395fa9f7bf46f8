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
import { pino } from 'pino';
import type { Kysely } from 'kysely';
import type { Config } from './config.js';
import type { Database } from './db/schema.js';
import { registerOpenApi } from './api/openapi.js';
import { registerAudit } from './modules/audit/index.js';
import { createCasesModule, photoUploadLimits } from './modules/cases/index.js';
import { registerDirectory } from './modules/directory/index.js';
import { registerHealth } from './modules/health/index.js';
import { createIdentityModule } from './modules/identity/index.js';
import { registerMaps } from './modules/maps/index.js';
import { registerNotify } from './modules/notify/index.js';
import { createPartnershipModule } from './modules/partnership/index.js';
import { createPlacesModule } from './modules/places/index.js';
import { createPeopleModule } from './modules/people/index.js';
import { createRecruitmentModule } from './modules/recruitment/index.js';
import { sourceFolder } from './shared/project-root.js';
import { registerErrorPages } from './web/error-pages.js';
import { createNavigation } from './web/navigation.js';
import { isFormRoute, registerInputChecks } from './web/input-checks.js';
import { redactSecrets } from './web/redact.js';
import { OneLinePerRequest } from './web/request-log.js';
import { registerRendering } from './web/rendering.js';
import { registerSecurityHeaders } from './web/security-headers.js';
import { registerUploads } from './web/uploads.js';
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

const publicFolder = path.join(sourceFolder, 'web/public');
const leafletDist = path.join(path.dirname(createRequire(import.meta.url).resolve('leaflet/package.json')), 'dist');

/**
 * The composition root: wires repositories → services → routes for every module. Nothing is a
 * module-level singleton, so each test builds its own app on its own database.
 */
export async function buildApp({ config, db, clock = () => new Date() }: AppDependencies): Promise<FastifyInstance> {
  // Log lines are written to stdout without waiting for each write (pino's asynchronous destination):
  // a synchronous write per request was up to a sixth of a read path's time. Closing the app flushes them.
  const logStream = pino.destination({ dest: 1, sync: false });
  const app = Fastify({
    logger: {
      level: config.logLevel,
      stream: logStream,
      // Keys and one-use tokens travel in some addresses (Open311 clients, emailed links): never log them.
      serializers: {
        req: (request) => ({ method: request.method, url: redactSecrets(request.url), remoteAddress: request.ip }),
      },
    },
    // Only the proxies TRUST_PROXY names may say who the client is (X-Forwarded-For): by default, none.
    trustProxy: trustProxyOption(config.trustProxy),
    logController: new OneLinePerRequest(),
  });
  app.addHook('onClose', async () => logStream.flushSync());
  const routeTable: RouteEntry[] = [];
  app.decorate('routeTable', { getter: () => routeTable });
  app.addHook('onRoute', (route) => {
    routeTable.push({ methods: [route.method].flat(), url: route.url });
  });

  await registerSecurity(app, config);
  await app.register(formbody);
  await registerAssets(app);
  await registerOpenApi(app); // before the routes it describes

  // The modules, in the order they depend on each other; each is handed only what it uses.
  const partnership = await createPartnershipModule({ db, clock, partnershipSlug: config.partnership });
  const { memberOrganisations, memberOrganisationIds } = partnership;
  const identity = createIdentityModule({ db, config, clock, partnershipName: partnership.name, memberOrganisations });
  identity.registerSessions(app);
  // The staff home page and the navigation under the header are the modules' own links, added as each registers.
  const navigation = createNavigation();
  registerRendering(app, createViewEnvironment({ reloadTemplates: config.reloadTemplates }), {
    partnershipName: partnership.name,
    navigation,
  });
  const { staffHome } = identity;

  const places = await createPlacesModule({ db, memberOrganisationIds });
  const people = createPeopleModule({ db, clock });
  const cases = createCasesModule({
    db,
    config,
    clock,
    places: places.service,
    agreements: partnership.agreements,
    citizenEmail: identity.citizenEmail,
    people,
    partnershipName: partnership.name,
    referencePrefix: partnership.referencePrefix,
    memberOrganisationIds,
  });

  const recruitment = createRecruitmentModule({
    db,
    clock,
    publicUrl: config.publicUrl,
    places: places.service,
    citizenEmail: identity.citizenEmail,
    memberOrganisationIds,
  });

  identity.register(app, { navigation });
  registerAudit(app, { db, clock, memberOrganisations, staffHome });
  registerNotify(app, { db, clock, sending: config.smtpUrl !== undefined, staffHome });
  partnership.register(app, { staffHome });
  await registerDirectory(app, { db, places: places.service, navigation });
  cases.register(app, { staffHome, navigation });
  people.register(app, { staffHome, navigation });
  recruitment.register(app, { staffHome, navigation });
  registerMaps(app, {
    publicRequests: cases.publicRequests,
    catalogue: cases.catalogue,
    memberOrganisationIds,
    memberAreas: places.memberAreas,
    tiles: config.mapTiles,
    navigation,
  });
  places.register(app, { navigation });
  registerHealth(app, { db });
  registerErrorPages(app);
  return app;
}

/**
 * Fastify takes a hop count at run time but its types do not: a count becomes the function it would
 * make of it (trust the n addresses nearest the app).
 */
function trustProxyOption(
  trustProxy: Config['trustProxy'],
): false | string[] | ((address: string, hop: number) => boolean) {
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
    csrfOpts: {
      userInfo: true,
      hmacKey: createHmac('sha256', config.sessionSecret).update('shirehall csrf tokens').digest(),
    },
  });
  // Every form post is checked, after its body is parsed. The APIs authenticate by key instead.
  app.addHook('onRoute', (route) => {
    // A route whose address carries its own secret key (a one-click unsubscribe, posted by a mail
    // client with no session or token) is authorised by the key, not by a session.
    if (route.config?.authorisedByKeyInAddress) return;
    if (isFormRoute(route)) route.preHandler = [app.csrfProtection, ...[route.preHandler ?? []].flat()];
  });
  // Multipart forms (those with photos) are parsed before the CSRF check and the input checks, like any other form.
  await registerUploads(app, photoUploadLimits);
  registerInputChecks(app);
}

async function registerAssets(app: FastifyInstance): Promise<void> {
  const govuk = path.join(govukFrontendRoot, 'dist/govuk');
  await app.register(fastifyStatic, { root: path.join(govuk, 'assets'), prefix: '/assets/', maxAge: '1d' });
  await app.register(fastifyStatic, { root: publicFolder, prefix: '/public/', decorateReply: false, maxAge: '1h' });
  // Leaflet for the maps, from the installed package: no CDN.
  await app.register(fastifyStatic, {
    root: leafletDist,
    prefix: '/assets/leaflet/',
    decorateReply: false,
    maxAge: '1d',
  });
  // The styles are built by `npm install` (scripts/build-styles.mjs) into public/build; the script is GOV.UK's own.
  const bundles = { 'govuk-frontend.min.js': 'text/javascript' };
  for (const [file, type] of Object.entries(bundles)) {
    app.get(`/assets/${file}`, { config: { rateLimit: false } }, (_request, reply) =>
      reply
        .type(type)
        .header('cache-control', 'public, max-age=86400')
        .send(createReadStream(path.join(govuk, file))),
    );
  }
}
