import { execFile } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';
import { beforeAll, describe, expect, it } from 'vitest';
import { buildApp } from '../../../src/app.js';
import { openDatabase } from '../../../src/db/database.js';
import { hashToken } from '../../../src/modules/identity/secrets.js';
import { organisationId, signedInStaff } from '../../support/accounts.js';
import { testConfig, useTestApp } from '../../support/app.js';
import type { TestClient } from '../../support/http.js';
import { keyOnPage, missedBin, postForm } from '../../support/open311.js';

const context = useTestApp();
const db = () => context.database.db;
let admin: TestClient;
let dales: number;

beforeAll(async () => {
  dales = await organisationId(db(), 'E07000035');
  ({ client: admin } = await signedInStaff(context.app, db(), {
    organisationId: await organisationId(db(), 'E10000007'),
    roles: ['partnership_admin'],
  }));
});

const postRequest = (key: string) => postForm(context.app, '/open311/v2/requests.json', missedBin(key));

describe('API keys in the staff pages', () => {
  it('issues a key shown once, lists it by its last characters, and keeps only its hash', async () => {
    const form = await admin.get('/staff/api-keys/new');
    expect(form.statusCode).toBe(200);
    expect(form.body).toContain('Derbyshire Dales District Council');

    const issued = await admin.post('/staff/api-keys/new', {
      name: 'Dales back office',
      organisationId: String(dales),
    });
    expect(issued.statusCode).toBe(201);
    expect(issued.headers['cache-control']).toBe('no-store');
    expect(issued.body).toContain('You will not be able to see this key again');
    const key = keyOnPage(issued.body)!;
    expect(key).toMatch(/^shk_[\w-]{43}$/);

    const saved = await db()
      .selectFrom('api_clients')
      .selectAll()
      .where('name', '=', 'Dales back office')
      .executeTakeFirstOrThrow();
    expect(saved).toMatchObject({
      key_hash: hashToken(key),
      key_hint: key.slice(-4),
      organisation_id: dales,
      revoked_at: null,
    });
    const everything =
      JSON.stringify(await db().selectFrom('api_clients').selectAll().execute()) +
      JSON.stringify(await db().selectFrom('audit_log').selectAll().execute());
    expect(everything).not.toContain(key);
    const audit = await db()
      .selectFrom('audit_log')
      .select(['actor_type', 'action', 'detail'])
      .where('record_type', '=', 'api_client')
      .where('record_id', '=', String(saved.id))
      .execute();
    expect(audit).toEqual([
      {
        actor_type: 'staff',
        action: 'create',
        detail: { name: 'Dales back office', organisationId: dales, keyHint: key.slice(-4) },
      },
    ]);

    const list = await admin.get('/staff/api-keys');
    expect(list.statusCode).toBe(200);
    expect(list.body).toContain('Dales back office');
    expect(list.body).toContain(`<code>${key.slice(-4)}</code>`);
    expect(list.body).not.toContain(key);
    // Shown once: no page gives it again.
    expect((await admin.get('/staff/api-keys/new')).body).not.toContain(key);

    expect((await postRequest(key)).statusCode).toBe(201);
  });

  it('keeps what was typed and explains the problem beside the field', async () => {
    const empty = await admin.post('/staff/api-keys/new', { name: '   ', organisationId: String(dales) });
    expect(empty.statusCode).toBe(400);
    expect(empty.body).toContain('There is a problem');
    expect(empty.body).toContain('<a href="#name">Enter a name for the client</a>');
    expect(empty.body).toMatch(
      /<p id="name-error" class="govuk-error-message">\s*<span class="govuk-visually-hidden">Error:<\/span> Enter a name for the client/,
    );
    expect(empty.body).toMatch(new RegExp(`value="${dales}" checked`));

    const long = await admin.post('/staff/api-keys/new', { name: 'x'.repeat(101), organisationId: 'abc' });
    expect(long.statusCode).toBe(400);
    expect(long.body).toContain('Name must be 100 characters or fewer');
    expect(long.body).toContain('Select an organisation from the list');
    expect(long.body).toContain(`value="${'x'.repeat(101)}"`);
  });

  it('revokes a key after asking, and its next request is refused', async () => {
    const issued = await admin.post('/staff/api-keys/new', { name: 'Old app', organisationId: '' });
    const key = keyOnPage(issued.body)!;
    const { id } = await db()
      .selectFrom('api_clients')
      .select('id')
      .where('name', '=', 'Old app')
      .executeTakeFirstOrThrow();

    const confirm = await admin.get(`/staff/api-keys/${id}/revoke`);
    expect(confirm.statusCode).toBe(200);
    expect(confirm.body).toContain('Revoke the key of Old app?');
    const revoked = await admin.post(`/staff/api-keys/${id}/revoke`, {}, `/staff/api-keys/${id}/revoke`);
    expect(revoked.statusCode).toBe(303);
    expect(revoked.headers.location).toBe(`/staff/api-keys?revoked=${id}`);
    const list = await admin.get(`/staff/api-keys?revoked=${id}`);
    expect(list.body).toContain('The key of Old app is revoked.');
    expect(list.body).toContain('Revoked');

    expect((await postRequest(key)).statusCode).toBe(403);
    // Revoking again changes nothing and records nothing more.
    await admin.post(`/staff/api-keys/${id}/revoke`, {}, `/staff/api-keys/${id}/revoke`);
    const audit = await db()
      .selectFrom('audit_log')
      .select('action')
      .where('record_type', '=', 'api_client')
      .where('record_id', '=', String(id))
      .orderBy('id')
      .execute();
    expect(audit.map((entry) => entry.action)).toEqual(['create', 'revoke']);
    expect((await admin.get('/staff/api-keys/99999/revoke')).statusCode).toBe(404);
  });

  it('is for partnership administrators alone', async () => {
    const staffhome = await admin.get('/staff');
    expect(staffhome.body).toContain('href="/staff/api-keys"');

    const { client: organisationAdmin } = await signedInStaff(context.app, db(), {
      organisationId: dales,
      roles: ['organisation_admin', 'service_manager'],
    });
    expect((await organisationAdmin.get('/staff')).body).not.toContain('href="/staff/api-keys"');
    expect((await organisationAdmin.get('/staff/api-keys')).statusCode).toBe(403);
    expect((await organisationAdmin.get('/staff/api-keys/new')).statusCode).toBe(403);
    const attempt = await organisationAdmin.post(
      '/staff/api-keys/new',
      { name: 'Sneaky', organisationId: '' },
      '/staff',
    );
    expect(attempt.statusCode).toBe(403);
    const { id } = await db().selectFrom('api_clients').select('id').orderBy('id').executeTakeFirstOrThrow();
    expect((await organisationAdmin.post(`/staff/api-keys/${id}/revoke`, {}, '/staff')).statusCode).toBe(403);
    expect(await db().selectFrom('api_clients').select('id').where('name', '=', 'Sneaky').execute()).toEqual([]);

    // Not a member of the partnership: no back office of it.
    const staffordshire = await organisationId(db(), 'E10000028');
    expect(
      (await admin.post('/staff/api-keys/new', { name: 'Outsider', organisationId: String(staffordshire) })).statusCode,
    ).toBe(403);

    const signedOut = await context.app.inject('/staff/api-keys');
    expect(signedOut.statusCode).toBe(302);
    expect(signedOut.headers.location).toBe('/staff/sign-in?next=%2Fstaff%2Fapi-keys');
    // A form post without the page's CSRF token is refused.
    expect((await admin.postWithToken('/staff/api-keys/new', { name: 'No token' }, undefined)).statusCode).toBe(403);
  });
});

describe('npm run open311:key', () => {
  const run = promisify(execFile);

  it('prints a new key that a client can post with', { timeout: 180_000 }, async () => {
    const dataDir = mkdtempSync(path.join(tmpdir(), 'shirehall-open311-key-'));
    try {
      // On the embedded database whichever database the suite runs on: the command is the same for both.
      const { DATABASE_URL: _unused, ...inherited } = process.env;
      const environment = { ...inherited, DATA_DIR: dataDir, LOG_LEVEL: 'silent' };
      const { stdout } = await run(
        'npx',
        ['tsx', 'src/cli/open311-key.ts', '--name', 'FixMyStreet', '--organisation', 'E07000035'],
        { env: environment },
      );
      expect(stdout).toContain(
        'Issued an Open311 API key for FixMyStreet, the back office of Derbyshire Dales District Council.',
      );
      const key = /^ {2}(shk_[\w-]{43})$/m.exec(stdout)?.[1];
      expect(key).toBeDefined();

      const cliDatabase = await openDatabase({ kind: 'pglite', dataDir });
      const app = await buildApp({ config: testConfig(), db: cliDatabase });
      try {
        const response = await postForm(app, '/open311/v2/requests.json', missedBin(key!));
        expect(response.statusCode, response.body).toBe(201);
        const audit = await cliDatabase
          .selectFrom('audit_log')
          .select(['actor_label', 'action'])
          .where('record_type', '=', 'api_client')
          .execute();
        expect(audit).toEqual([{ actor_label: 'npm run open311:key', action: 'create' }]);
      } finally {
        await app.close();
        await cliDatabase.destroy();
      }

      const unknown = await run(
        'npx',
        ['tsx', 'src/cli/open311-key.ts', '--name', 'X', '--organisation', 'E10000028'],
        { env: environment },
      ).catch((error: { code: number; stderr: string }) => error);
      expect(unknown).toMatchObject({ code: 1 });
      expect((unknown as { stderr: string }).stderr).toContain(
        'No member of the partnership has the GSS code or slug "E10000028"',
      );
    } finally {
      rmSync(dataDir, { recursive: true, force: true });
    }
  });

  it('explains what it needs when --name is missing', async () => {
    const failure = await run('npx', ['tsx', 'src/cli/open311-key.ts'], { env: process.env }).catch(
      (error: { code: number; stderr: string }) => error,
    );
    expect(failure).toMatchObject({ code: 2 });
    expect((failure as { stderr: string }).stderr).toContain('--name is required');
  });
});
