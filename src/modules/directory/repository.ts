import type { Kysely } from 'kysely';
import type { Database } from '../../db/schema.js';

export function createDirectoryRepository(db: Kysely<Database>) {
  return {
    async listServices() {
      return db.selectFrom('services').selectAll().orderBy('title').execute();
    },

    async findServiceBySlug(slug: string) {
      return db.selectFrom('services').selectAll().where('slug', '=', slug).executeTakeFirst();
    },

    async findServiceByLgsl(lgsl: number) {
      return db.selectFrom('services').selectAll().where('lgsl', '=', lgsl).executeTakeFirst();
    },

    /** The council's own page for the service, when we know it. */
    async findServiceLink(organisationId: number, lgsl: number): Promise<string | undefined> {
      const row = await db
        .selectFrom('service_links')
        .select('url')
        .where('organisation_id', '=', organisationId)
        .where('lgsl', '=', lgsl)
        .orderBy('lgil')
        .executeTakeFirst();
      return row?.url;
    },
  };
}

export type DirectoryRepository = ReturnType<typeof createDirectoryRepository>;
