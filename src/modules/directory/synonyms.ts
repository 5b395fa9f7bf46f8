import { readDataFile } from '../../db/seed/files.js';
import type { Synonyms } from './service.js';

/** The search synonyms of data/services/search-synonyms.json: read once at start, they are small. */
export async function loadSearchSynonyms(): Promise<Synonyms> {
  const file = JSON.parse(await readDataFile('services/search-synonyms.json')) as { synonyms: Synonyms };
  return file.synonyms;
}
