/**
 * Issues an Open311 API key and prints it, once: for setting up a client (FixMyStreet, a council's
 * back office) from the command line. Partnership administrators can do the same at /staff/api-keys.
 *
 *   npm run open311:key -- --name "FixMyStreet"
 *   npm run open311:key -- --name "Derbyshire Dales back office" --organisation E07000035
 */
import { parseArgs } from 'node:util';
import { z } from 'zod';
import { loadConfig } from '../config.js';
import { openDatabaseFor } from '../db/database.js';
import { refuseIfFolderInUse, type FolderUser } from '../db/folder-lock.js';
import { migrateToLatest } from '../db/migrate.js';
import { importReferenceData } from '../db/seed/reference-data.js';
import { issueApiKey } from '../modules/cases/open311/keys.js';
import { createPartnershipRepository } from '../modules/partnership/repository.js';

const usage =
  'Usage: npm run open311:key -- --name "Client name" [--organisation GSS-code-or-slug-of-a-member-council]';

const { values } = parseArgs({ options: { name: { type: 'string' }, organisation: { type: 'string' } } });
const input = z
  .object({
    name: z
      .string({ error: '--name is required' })
      .trim()
      .min(1, '--name is required')
      .max(100, '--name must be 100 characters or fewer'),
    organisation: z.string().trim().min(1).optional(),
  })
  .safeParse(values);
if (!input.success) {
  console.error(input.error.issues.map((issue) => issue.message).join('\n'));
  console.error(usage);
  process.exit(2);
}

/** Beside a running server on the embedded database, a key written here would be one it never sees. */
const folderUser: FolderUser = {
  command: 'npm run open311:key',
  advice: (holder) =>
    holder.port
      ? `Issue the key in the staff pages while it runs: sign in as a partnership administrator at http://localhost:${holder.port}/staff/api-keys. Or stop it first, then run this again.`
      : 'Wait for it to finish, then run this again.',
};

const config = loadConfig();
const db = await openDatabaseFor(config, folderUser).catch(refuseIfFolderInUse);
try {
  await migrateToLatest(db);
  await importReferenceData(db, config.partnership, (message) => console.error(message));

  let organisation: { id: number; name: string } | undefined;
  if (input.data.organisation) {
    const wanted = input.data.organisation;
    const members = await createPartnershipRepository(db).listMemberOrganisations(config.partnership);
    const found = await db
      .selectFrom('organisations')
      .select(['id', 'name'])
      .where((eb) => eb.or([eb('gss', '=', wanted), eb('slug', '=', wanted)]))
      .executeTakeFirst();
    if (!found || !members.some((member) => member.id === found.id))
      throw new Error(`No member of the partnership has the GSS code or slug "${wanted}"`);
    organisation = found;
  }

  const { key } = await issueApiKey(
    db,
    { name: input.data.name, organisationId: organisation?.id ?? null, createdByStaffId: null },
    { kind: 'system', label: 'npm run open311:key' },
    new Date(),
  );
  const role = organisation ? `, the back office of ${organisation.name}` : '';
  console.log(`\nIssued an Open311 API key for ${input.data.name}${role}. It is shown only now:\n\n  ${key}\n`);
  console.log(
    `The client sends it as api_key with each request it posts to ${config.publicUrl}/open311/v2/requests.xml\n`,
  );
} catch (error) {
  console.error(error instanceof Error ? error.message : error);
  process.exitCode = 1;
} finally {
  await db.destroy();
}
