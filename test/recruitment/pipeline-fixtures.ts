import type { Kysely } from 'kysely';
import type { Database } from '../../src/db/schema.js';

/** The pipeline tests' shared fixtures: an application with referees and criteria answers, panels. */
export const dales = 'E07000035';
export const county = 'E10000007';

export async function addToPanel(db: Kysely<Database>, vacancyId: number, staffId: number) {
  await db.insertInto('vacancy_panel_members').values({ vacancy_id: vacancyId, staff_id: staffId }).execute();
}

export const referees = (email: string) =>
  JSON.stringify([
    { name: 'Rita Referee', email, phone: '', relationship: 'Line manager', contact_before_offer: true },
  ]);

/** The HTML with its tags and hidden CSRF token left out, to look for names in. */
export const textOf = (html: string) => html.replace(/<[^>]+>/g, ' ');

export const csrfFrom = (html: string) => /name="_csrf" value="([^"]+)"/.exec(html)?.[1];
