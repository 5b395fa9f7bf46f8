import type { FastifyInstance } from 'fastify';
import type { Kysely } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildApp } from '../../../src/app.js';
import { openDatabase } from '../../../src/db/database.js';
import type { Database } from '../../../src/db/schema.js';
import { organisationId } from '../../support/accounts.js';
import { testConfig } from '../../support/app.js';
import { copyPostgresTemplate, type PostgresCopy } from '../../support/database.js';
import { issueTestKey, missedBin, parseXml, postForm } from '../../support/open311.js';

/**
 * Finding 2 of issue 9: a reference number must never be issued twice. On the embedded database the
 * folder lock keeps a second process out (test/data-folder-lock.test.ts); on PostgreSQL several app
 * processes share one database by design, so two apps, each with its own pool, post side by side.
 */
const url = process.env.DATABASE_URL;
const POSTS = 120;

describe.skipIf(!url)('references from two app instances on one PostgreSQL database', () => {
  let copy: PostgresCopy;
  const databases: Kysely<Database>[] = [];
  const apps: FastifyInstance[] = [];
  let key: string;

  beforeAll(async () => {
    copy = await copyPostgresTemplate(url as string);
    for (let instance = 0; instance < 2; instance++) {
      const db = await openDatabase({ kind: 'postgres', url: copy.url });
      databases.push(db);
      apps.push(await buildApp({ config: testConfig({ open311PostsPerMinute: 10_000 }), db }));
    }
    key = (await issueTestKey(databases[0], 'two instances', await organisationId(databases[0], 'E07000035'))).key;
  }, 60_000);
  afterAll(async () => {
    for (const app of apps) await app.close();
    for (const db of databases) await db.destroy();
    await copy?.drop();
  });

  it('never issues one reference twice, and every acknowledged reference is a case', async () => {
    const responses = await Promise.all(
      Array.from({ length: POSTS }, (_, index) =>
        postForm(apps[index % 2], '/open311/v2/requests.xml', missedBin(key, [['description', `post ${index}`]])),
      ),
    );
    const failures = responses
      .filter((response) => response.statusCode !== 201)
      .map((response) => `${response.statusCode} ${response.body.slice(0, 300)}`);
    expect(failures).toEqual([]);
    const acknowledged = responses.map((response) =>
      String(parseXml(response.body).service_requests.request[0].service_request_id),
    );
    expect(new Set(acknowledged).size).toBe(POSTS);

    const saved = await databases[1]
      .selectFrom('cases')
      .select('reference')
      .where('reference', 'in', acknowledged)
      .execute();
    expect(saved).toHaveLength(POSTS);
  }, 60_000);
});
