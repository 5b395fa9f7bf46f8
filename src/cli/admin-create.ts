/**
 * Creates a partnership administrator: the first account of a production installation, which has no
 * default passwords. Prints a one-use link, valid for 24 hours, at which the administrator chooses
 * their password.
 *
 *   npm run admin:create -- --email name@council.gov.uk --name "Full Name" --organisation E10000007
 */
import { parseArgs } from 'node:util';
import { z } from 'zod';
import { loadConfig } from '../config.js';
import { openDatabaseFor } from '../db/database.js';
import { refuseIfFolderInUse, type FolderUser } from '../db/folder-lock.js';
import { migrateToLatest } from '../db/migrate.js';
import { importReferenceData } from '../db/seed/reference-data.js';
import { recordAudit } from '../modules/audit/service.js';
import { issueAccountToken } from '../modules/identity/account-tokens.js';
import { emailField } from '../modules/identity/schemas.js';

const { values } = parseArgs({
  options: { email: { type: 'string' }, name: { type: 'string' }, organisation: { type: 'string' } },
});
const input = z
  .object({
    email: emailField,
    name: z.string({ error: '--name is required' }).trim().min(1, '--name is required'),
    organisation: z.string({ error: '--organisation (a GSS code or slug) is required' }).min(1),
  })
  .safeParse(values);
if (!input.success) {
  console.error(input.error.issues.map((issue) => `${issue.path.join('.')}: ${issue.message}`).join('\n'));
  console.error(
    'Usage: npm run admin:create -- --email name@council.gov.uk --name "Full Name" --organisation E10000007',
  );
  process.exit(2);
}

/** Beside a running server on the embedded database, an account written here would be one it never sees. */
const folderUser: FolderUser = {
  command: 'npm run admin:create',
  advice: (holder) =>
    holder.port
      ? `Stop it first, then run this again. While it runs, a partnership administrator can add staff at http://localhost:${holder.port}/staff/accounts.`
      : 'Wait for it to finish, then run this again.',
};

const config = loadConfig();
const db = await openDatabaseFor(config, folderUser).catch(refuseIfFolderInUse);
try {
  await migrateToLatest(db);
  await importReferenceData(db, config.partnership, (message) => console.log(message));
  const organisation = await db
    .selectFrom('organisations')
    .select(['id', 'name'])
    .where((eb) => eb.or([eb('gss', '=', input.data.organisation), eb('slug', '=', input.data.organisation)]))
    .executeTakeFirst();
  if (!organisation) throw new Error(`No organisation has the GSS code or slug "${input.data.organisation}"`);
  const existing = await db.selectFrom('staff').select('id').where('email', '=', input.data.email).executeTakeFirst();
  if (existing) throw new Error(`${input.data.email} already has a staff account`);

  const now = new Date();
  const token = await db.transaction().execute(async (trx) => {
    const { id } = await trx
      .insertInto('staff')
      .values({
        organisation_id: organisation.id,
        email: input.data.email,
        name: input.data.name,
        roles: ['partnership_admin'],
        password_hash: null,
      })
      .returning('id')
      .executeTakeFirstOrThrow();
    await recordAudit(
      trx,
      {
        actor: { kind: 'system', label: 'npm run admin:create' },
        action: 'create',
        recordType: 'staff',
        recordId: id,
        detail: { roles: ['partnership_admin'] },
      },
      now,
    );
    return issueAccountToken(trx, 'password_reset', { staffId: id }, new Date(now.getTime() + 24 * 3_600_000), now);
  });
  console.log(`\nCreated ${input.data.name} <${input.data.email}>, partnership administrator at ${organisation.name}.`);
  console.log(`Choose the password within 24 hours at:\n\n  ${config.publicUrl}/staff/reset-password?token=${token}\n`);
} catch (error) {
  console.error(error instanceof Error ? error.message : error);
  process.exitCode = 1;
} finally {
  await db.destroy();
}
