import { execFile } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';
import { describe, expect, it } from 'vitest';
import { seedDemo } from '../src/db/seed/demo.js';
import { useTestApp } from './support/app.js';
import { TestClient } from './support/http.js';

const context = useTestApp();

describe('the demo partnership of the embedded default', () => {
  it('prints one generated password per account once, and each signs in', async () => {
    let printed = '';
    await seedDemo(context.database.db, 'derbyshire', (text) => (printed += text));
    const lines = printed.split('\n').filter((line) => line.includes('@'));
    expect(lines).toHaveLength(11);

    const roles = [
      'partnership admin',
      'organisation admin',
      'contact centre agent',
      'service officer',
      'service manager',
      'recruiter',
      'analyst',
      'partner adviser',
    ];
    for (const role of roles) expect(printed).toContain(role);

    for (const line of lines) {
      const [email, password] = line.trim().split(/\s+/);
      const signInPath = email.endsWith('@example.com') ? '/account/sign-in' : '/staff/sign-in';
      const response = await new TestClient(context.app).post(signInPath, { email, password });
      expect(response.statusCode, email).toBe(303);
    }

    let again = '';
    await seedDemo(context.database.db, 'derbyshire', (text) => (again += text));
    expect(again).toBe('');
  });

  it('fills the worklists, map and tracking pages with requests from every channel', async () => {
    const db = context.database.db;
    const cases = await db
      .selectFrom('cases')
      .select(['status', 'channel', 'due_on', 'organisation_id', 'reference'])
      .execute();
    expect(cases.length).toBe(300);
    expect(new Set(cases.map((row) => row.channel))).toEqual(
      new Set(['web', 'phone', 'face_to_face', 'email', 'outreach', 'partner_agency']),
    );
    expect(new Set(cases.map((row) => row.status)).size).toBeGreaterThanOrEqual(4);
    expect(new Set(cases.map((row) => row.organisation_id)).size).toBe(10);
    const today = new Date().toISOString().slice(0, 10);
    expect(
      cases.filter((row) => row.due_on < today && !['resolved', 'closed'].includes(row.status)).length,
    ).toBeGreaterThan(0);
    expect(new Set(cases.map((row) => row.reference)).size).toBe(cases.length);
    const transfers = await db.selectFrom('case_events').select('case_id').where('kind', '=', 'transferred').execute();
    expect(transfers.length).toBeGreaterThan(0);
    // Each transferred case says when its owner received it, for insight's second clock.
    const received = await db
      .selectFrom('cases')
      .select('transferred_at')
      .where(
        'id',
        'in',
        transfers.map((transfer) => transfer.case_id),
      )
      .execute();
    expect(received.every((row) => row.transferred_at instanceof Date)).toBe(true);
  });

  it('keeps no password in the clear', async () => {
    const rows = await context.database.db
      .selectFrom('staff')
      .select('password_hash')
      .where('email', 'like', '%.example')
      .execute();
    expect(rows.length).toBeGreaterThanOrEqual(8);
    for (const row of rows) expect(row.password_hash).toMatch(/^\$argon2id\$/);
  });
});

describe('npm run admin:create', () => {
  it('creates a partnership administrator and prints a link to choose the password', { timeout: 120_000 }, async () => {
    const dataDir = mkdtempSync(path.join(tmpdir(), 'shirehall-admin-'));
    try {
      // On the embedded database whichever database the suite runs on: the command is the same for both.
      const { DATABASE_URL: _unused, ...inherited } = process.env;
      const environment = { ...inherited, DATA_DIR: dataDir, LOG_LEVEL: 'silent' };
      const run = promisify(execFile);
      const args = [
        'tsx',
        'src/cli/admin-create.ts',
        '--email',
        'First.Admin@Council.example',
        '--name',
        'First Admin',
        '--organisation',
        'E10000007',
      ];
      const { stdout } = await run('npx', args, { env: environment });
      expect(stdout).toContain(
        'Created First Admin <first.admin@council.example>, partnership administrator at Derbyshire County Council.',
      );
      expect(stdout).toMatch(/\/staff\/reset-password\?token=[\w-]{40,}/);

      const second = await run('npx', args, { env: environment }).catch(
        (error: { code: number; stderr: string }) => error,
      );
      expect(second).toMatchObject({ code: 1 });
      expect((second as { stderr: string }).stderr).toContain('already has a staff account');
    } finally {
      rmSync(dataDir, { recursive: true, force: true });
    }
  });

  it('explains what it needs when arguments are missing', async () => {
    const failure = await promisify(execFile)('npx', ['tsx', 'src/cli/admin-create.ts', '--email', 'x@y.example'], {
      env: process.env,
    }).catch((error: { code: number; stderr: string }) => error);
    expect(failure).toMatchObject({ code: 2 });
    expect((failure as { stderr: string }).stderr).toContain('--name is required');
  });
});
