import { Migrator, type Kysely, type Migration } from 'kysely';
import * as referenceData from './migrations/0001-reference-data.js';
import * as identityAndTrust from './migrations/0002-identity-and-trust.js';
import * as notify from './migrations/0003-notify.js';
import * as audit from './migrations/0004-audit.js';
import * as cases from './migrations/0010-cases.js';
import * as reportDrafts from './migrations/0011-report-drafts.js';
import * as open311Clients from './migrations/0012-open311-clients.js';
import * as auditSeals from './migrations/0013-audit-seals.js';
import * as worklistIndexes from './migrations/0014-worklist-indexes.js';
import * as open311PostCounts from './migrations/0015-open311-post-counts.js';
import * as auditHashNotUnique from './migrations/0016-audit-hash-not-unique.js';
import * as signInFailures from './migrations/0017-sign-in-failures.js';
import * as auditAnchors from './migrations/0018-audit-anchors.js';
import * as auditInsertOnlyGrants from './migrations/0019-audit-insert-only-grants.js';
import * as sharingByPurpose from './migrations/0020-sharing-by-purpose.js';
import * as staffDirectory from './migrations/0021-staff-directory.js';
import * as messagesAndTransfers from './migrations/0022-messages-and-transfers.js';
import * as casePhotosAndFollowers from './migrations/0023-case-photos-and-followers.js';
import * as questionMessages from './migrations/0024-question-messages.js';
import * as people from './migrations/0025-people.js';
import * as savedWorklists from './migrations/0026-saved-worklists.js';
import * as recruitment from './migrations/0027-recruitment.js';

/** Every migration, in order. Listed here rather than read from a folder so bundlers and tsx agree. */
export const migrations: Record<string, Migration> = {
  '0001-reference-data': referenceData,
  '0002-identity-and-trust': identityAndTrust,
  '0003-notify': notify,
  '0004-audit': audit,
  '0010-cases': cases,
  '0011-report-drafts': reportDrafts,
  '0012-open311-clients': open311Clients,
  '0013-audit-seals': auditSeals,
  '0014-worklist-indexes': worklistIndexes,
  '0015-open311-post-counts': open311PostCounts,
  '0016-audit-hash-not-unique': auditHashNotUnique,
  '0017-sign-in-failures': signInFailures,
  '0018-audit-anchors': auditAnchors,
  '0019-audit-insert-only-grants': auditInsertOnlyGrants,
  '0020-sharing-by-purpose': sharingByPurpose,
  '0021-staff-directory': staffDirectory,
  '0022-messages-and-transfers': messagesAndTransfers,
  '0023-case-photos-and-followers': casePhotosAndFollowers,
  '0024-question-messages': questionMessages,
  '0025-people': people,
  '0026-saved-worklists': savedWorklists,
  '0027-recruitment': recruitment,
};

// eslint-disable-next-line @typescript-eslint/no-explicit-any -- migrations run before the typed schema exists
export async function migrateToLatest(db: Kysely<any>): Promise<void> {
  const migrator = new Migrator({ db, provider: { getMigrations: async () => migrations } });
  const { error, results } = await migrator.migrateToLatest();
  const failed = results?.find((result) => result.status === 'Error');
  if (error || failed) {
    const name = failed ? ` (${failed.migrationName})` : '';
    throw new Error(`Database migration failed${name}: ${String(error)}`, { cause: error });
  }
}
