import { createReadStream } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import formbody from '@fastify/formbody';
import helmet from '@fastify/helmet';
import rateLimit from '@fastify/rate-limit';
import fastifyStatic from '@fastify/static';
import Fastify, { type FastifyInstance } from 'fastify';
import type { Kysely } from 'kysely';
import type { Config } from './config.js';
import type { Database } from './db/schema.js';
import { registerDirectoryApi } from './modules/directory/api.js';
import { createDirectoryRepository } from './modules/directory/repository.js';
import { registerDirectoryRoutes } from './modules/directory/routes.js';
import { createDirectoryService } from './modules/directory/service.js';
import { registerHealthRoutes } from './modules/health/routes.js';
import { registerOpenApi } from './api/openapi.js';
import { createPartnershipRepository } from './modules/partnership/repository.js';
import { registerPlacesApi } from './modules/places/api.js';
import { buildBoundaryIndex } from './modules/places/boundary-index.js';
import { createPlacesRepository } from './modules/places/repository.js';
import { registerPlacesRoutes } from './modules/places/routes.js';
import { createPlacesService } from './modules/places/service.js';
import { registerErrorPages } from './web/error-pages.js';
import { registerRendering } from './web/rendering.js';
import { createViewEnvironment, govukFrontendRoot } from './web/views.js';

export interface AppDependencies {
  config: Config;
  db: Kysely<Database>;
}

const publicFolder = path.resolve(path.dirname(fileURLToPath(import.meta.url)), 'web/public');

/**
 * The composition root: wires repositories → services → routes for every module. Nothing is a
 * module-level singleton, so each test builds its own app on its own database.
 */
export async function buildApp({ config, db }: AppDependencies): Promise<FastifyInstance> {
  const app = Fastify({
    logger: { level: config.logLevel },
    trustProxy: config.environment === 'production',
  });

  await registerSecurity(app, config);
  await app.register(formbody);
  await registerAssets(app);

  const partnership = await createPartnershipRepository(db).findPartnership(config.partnership);
  if (!partnership) throw new Error(`Partnership "${config.partnership}" is not in the database: import its data first`);
  registerRendering(app, createViewEnvironment(), { partnershipName: partnership.name });

  const placesRepository = createPlacesRepository(db);
  const boundaries = buildBoundaryIndex(await placesRepository.listBoundaries());
  const places = createPlacesService({ repository: placesRepository, boundaries, partnershipSlug: config.partnership });
  const directory = createDirectoryService(createDirectoryRepository(db));

  registerHealthRoutes(app, db);
  registerOpenApi(app);
  registerPlacesApi(app, places);
  registerPlacesRoutes(app, places);
  registerDirectoryApi(app, directory, places);
  registerDirectoryRoutes(app, directory, places);
  registerErrorPages(app);
  return app;
}

async function registerSecurity(app: FastifyInstance, config: Config): Promise<void> {
  const production = config.environment === 'production';
  await app.register(helmet, {
    enableCSPNonces: true,
    contentSecurityPolicy: {
      directives: {
        defaultSrc: ["'self'"],
        scriptSrc: ["'self'"],
        styleSrc: ["'self'"],
        imgSrc: ["'self'", 'data:'],
        formAction: ["'self'"],
        frameAncestors: ["'none'"],
        // Browsers would rewrite http://localhost to https during development.
        upgradeInsecureRequests: production ? [] : null,
      },
    },
    strictTransportSecurity: production,
  });
  await app.register(rateLimit, { max: config.rateLimitPerMinute, timeWindow: '1 minute' });
}

async function registerAssets(app: FastifyInstance): Promise<void> {
  const govuk = path.join(govukFrontendRoot, 'dist/govuk');
  await app.register(fastifyStatic, { root: path.join(govuk, 'assets'), prefix: '/assets/', maxAge: '1d' });
  await app.register(fastifyStatic, { root: publicFolder, prefix: '/public/', decorateReply: false, maxAge: '1h' });
  const bundles = { 'govuk-frontend.min.css': 'text/css', 'govuk-frontend.min.js': 'text/javascript' };
  for (const [file, type] of Object.entries(bundles)) {
    app.get(`/assets/${file}`, { config: { rateLimit: false } }, (_request, reply) =>
      reply.type(type).header('cache-control', 'public, max-age=86400').send(createReadStream(path.join(govuk, file))),
    );
  }
}
