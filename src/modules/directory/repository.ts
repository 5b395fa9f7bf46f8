import type { Kysely } from 'kysely';
import type { Database } from '../../db/schema.js';

export function createDirectoryRepository(db: Kysely<Database>) {
  return {
    async listServices() {
      return db.selectFrom('services').selectAll().orderBy('title').execute();
    },

    /** Every council's own page for each service it provides, the first interaction (lowest LGIL) first. */
    async listServiceLinks() {
      return db.selectFrom('service_links').select(['organisation_id', 'lgsl', 'url']).orderBy('lgil').execute();
    },
  };
}

export type DirectoryRepository = ReturnType<typeof createDirectoryRepository>;
