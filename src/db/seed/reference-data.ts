import { sql, type Kysely, type Transaction } from 'kysely';
import type { BoundaryLevel, CouncilTier, Database, ServiceTier } from '../schema.js';
import { boundingBox, type AreaGeometry } from '../../modules/places/geometry.js';
import { normalisePostcode } from '../../modules/places/postcode.js';
import { checksumOf, parseCsv, readDataFile } from './files.js';
import { startProgress } from './progress.js';
import { loadCatalogue, type CatalogueFile } from './catalogue.js';

type Log = (message: string) => void;

interface Dataset {
  name: string;
  files: string[];
  /** Raise when the way the files are read changes, so installations import them again. */
  version?: number;
  /** Runs inside one transaction: a dataset is either wholly imported or not at all. */
  load(trx: Transaction<Database>, contents: string[], log: Log): Promise<number>;
}

const BATCH_SIZE = 1000;

/**
 * Imports the reference data from data/ on first start. Each dataset is recorded with a checksum of
 * its files, so a restart skips what is already loaded and a changed file is imported again.
 */
export async function importReferenceData(db: Kysely<Database>, partnership: string, log: Log): Promise<void> {
  const datasets: Dataset[] = [
    bankHolidays,
    councils,
    boundaries,
    postcodes,
    services,
    serviceLinks,
    partnershipDataset(partnership),
    catalogueDataset(partnership),
  ];
  for (const dataset of datasets) {
    const contents = await Promise.all(dataset.files.map((file) => readDataFile(file)));
    const checksum = checksumOf(`version ${dataset.version ?? 1}`, ...contents);
    const previous = await db
      .selectFrom('reference_imports')
      .select('checksum')
      .where('dataset', '=', dataset.name)
      .executeTakeFirst();
    if (previous?.checksum === checksum) continue;

    log(`Importing ${dataset.name} from ${dataset.files.join(', ')}`);
    await db.transaction().execute(async (trx) => {
      const rowCount = await dataset.load(trx, contents, log);
      await trx
        .insertInto('reference_imports')
        .values({ dataset: dataset.name, checksum, row_count: rowCount })
        .onConflict((oc) =>
          oc.column('dataset').doUpdateSet({ checksum, row_count: rowCount, imported_at: sql`now()` }),
        )
        .execute();
    });
  }
}

/** Working days for service-level targets skip these as well as weekends. */
const bankHolidays: Dataset = {
  name: 'bank-holidays',
  files: ['bank-holidays/england-and-wales.json'],
  async load(trx, [json]) {
    const { events } = JSON.parse(json) as { events: { date: string; title: string }[] };
    await trx.deleteFrom('bank_holidays').execute();
    await trx
      .insertInto('bank_holidays')
      .values(events.map((event) => ({ holiday_on: event.date, title: event.title })))
      .execute();
    return events.length;
  },
};

const LOWER_TIER_BOUNDARIES = 'boundaries/england-ltla-2025.geojson';
const UPPER_TIER_BOUNDARIES = 'boundaries/england-utla-2025.geojson';
const COUNCIL_LIST = 'authorities/govuk-local-links-manager-local-authorities.csv';

interface BoundaryFeature {
  properties: { areacd: string; areanm: string };
  geometry: AreaGeometry;
}

function featuresOf(geojson: string): BoundaryFeature[] {
  return (JSON.parse(geojson) as { features: BoundaryFeature[] }).features;
}

/** The tier follows from the GSS code's entity type: E10 county, E07 district, the rest unitary. */
export function tierOfGss(gss: string): CouncilTier {
  if (gss.startsWith('E10')) return 'county';
  if (gss.startsWith('E07')) return 'district';
  return 'unitary';
}

function slugify(text: string): string {
  return text
    .toLowerCase()
    .replace(/&/g, ' and ')
    .replace(/[^a-z0-9]+/g, '-')
    .replace(/^-|-$/g, '');
}

/**
 * Every council that has a 2025 boundary. Names and homepages come from GOV.UK's list; a council
 * whose code changed after that list was made (Sheffield, North Yorkshire, ...) is found by its slug.
 */
const councils: Dataset = {
  name: 'councils',
  files: [LOWER_TIER_BOUNDARIES, UPPER_TIER_BOUNDARIES, COUNCIL_LIST],
  async load(trx, [lower, upper, list]) {
    const listed = parseCsv(list).filter((row) => row.country_name === 'England');
    const byGss = new Map(listed.map((row) => [row.gss, row]));
    const bySlug = new Map(listed.map((row) => [row.slug, row]));
    const byId = new Map(listed.map((row) => [row.id, row]));

    const areas = new Map<string, string>();
    for (const feature of [...featuresOf(lower), ...featuresOf(upper)]) {
      areas.set(feature.properties.areacd, feature.properties.areanm);
    }
    for (const [gss, areaName] of areas) {
      const row = byGss.get(gss) ?? bySlug.get(slugify(areaName));
      const parent = row?.parent_local_authority_id ? byId.get(row.parent_local_authority_id) : undefined;
      const council = {
        gss,
        slug: row?.slug ?? slugify(areaName),
        name: councilName(gss, areaName, row?.gss === gss ? row.name : row?.name),
        type: 'council' as const,
        tier: tierOfGss(gss),
        parent_gss: parent?.gss ?? null,
        homepage_url: row?.homepage_url || null,
      };
      await trx
        .insertInto('organisations')
        .values(council)
        .onConflict((oc) =>
          oc.column('gss').doUpdateSet({
            slug: council.slug,
            name: council.name,
            tier: council.tier,
            parent_gss: council.parent_gss,
            homepage_url: council.homepage_url,
          }),
        )
        .execute();
    }
    return areas.size;
  },
};

/**
 * A county that became a unitary (North Yorkshire, Somerset) is listed under its old name;
 * "North Yorkshire County Council" is now "North Yorkshire Council".
 */
function councilName(gss: string, areaName: string, listedName: string | undefined): string {
  if (!listedName) return `${areaName} Council`;
  return tierOfGss(gss) === 'county' ? listedName : listedName.replace(/ County Council$/, ' Council');
}

const boundaries: Dataset = {
  name: 'boundaries',
  files: [LOWER_TIER_BOUNDARIES, UPPER_TIER_BOUNDARIES],
  async load(trx, [lower, upper]) {
    await trx.deleteFrom('boundaries').execute();
    const levels: [BoundaryLevel, string][] = [
      ['lower', lower],
      ['upper', upper],
    ];
    let count = 0;
    for (const [level, geojson] of levels) {
      for (const feature of featuresOf(geojson)) {
        const box = boundingBox(feature.geometry);
        await trx
          .insertInto('boundaries')
          .values({
            gss: feature.properties.areacd,
            level,
            name: feature.properties.areanm,
            geometry: JSON.stringify(feature.geometry),
            min_longitude: box.minLongitude,
            min_latitude: box.minLatitude,
            max_longitude: box.maxLongitude,
            max_latitude: box.maxLatitude,
          })
          .execute();
        count += 1;
      }
    }
    return count;
  },
};

const postcodes: Dataset = {
  name: 'postcodes',
  files: ['postcodes/derbyshire-postcodes-codepoint-2014.csv'],
  async load(trx, [csv], log) {
    const rows = parseCsv(csv);
    await trx.deleteFrom('postcodes').execute();
    const progress = startProgress('Postcodes', rows.length, log);
    for (let start = 0; start < rows.length; start += BATCH_SIZE) {
      const batch = rows.slice(start, start + BATCH_SIZE).map((row) => {
        const postcode = normalisePostcode(row.postcode);
        if (!postcode) throw new Error(`Postcode file has a malformed postcode: ${row.postcode}`);
        return {
          postcode,
          latitude: Number(row.latitude),
          longitude: Number(row.longitude),
          lower_tier_gss: row.admin_district_code,
          county_gss: row.admin_county_code || null,
          ward_gss: row.admin_ward_code || null,
        };
      });
      await trx.insertInto('postcodes').values(batch).execute();
      progress.advance(batch.length);
    }
    progress.finish();
    return rows.length;
  },
};

/**
 * "Find out about the bereavement service" is listed in the A-Z as "Bereavement service", and
 * "Find out about 'Hard to Let' council properties" under H, not under a quote mark, and
 * "Find out more about recycling collections" as "Recycling collections".
 */
export function serviceTitle(description: string): string {
  const title = description
    .replace(/\s+/g, ' ')
    .replace(/^find out (more )?about\s+((a|an|the)\s+)?/i, '')
    .replace(/'([^']+)'/g, '$1');
  return title.charAt(0).toUpperCase() + title.slice(1);
}

const services: Dataset = {
  name: 'services',
  version: 2,
  files: ['services/lgsl-providing-tier.csv'],
  async load(trx, [csv]) {
    const rows = parseCsv(csv);
    const slugs = new Set<string>();
    for (const row of rows) {
      const title = serviceTitle(row.description);
      let slug = slugify(title);
      if (slugs.has(slug)) slug = `${slug}-${row.lgsl}`;
      slugs.add(slug);
      const service = {
        lgsl: Number(row.lgsl),
        slug,
        title,
        description: row.description,
        tier: row.providing_tier as ServiceTier,
        in_current_list: row.in_current_govuk_list === 'yes',
      };
      await trx
        .insertInto('services')
        .values(service)
        .onConflict((oc) => oc.column('lgsl').doUpdateSet(service))
        .execute();
    }
    return rows.length;
  },
};

const serviceLinks: Dataset = {
  name: 'service-links',
  files: ['services/govuk-fallback-links-derbyshire-2017.csv'],
  async load(trx, [csv]) {
    const rows = parseCsv(csv);
    const organisations = await trx.selectFrom('organisations').select(['id', 'slug']).execute();
    const idBySlug = new Map(organisations.map((organisation) => [organisation.slug, organisation.id]));
    await trx.deleteFrom('service_links').execute();
    let count = 0;
    for (const row of rows) {
      const organisationId = idBySlug.get(row.la_slug);
      if (organisationId === undefined) throw new Error(`Service link names an unknown council: ${row.la_slug}`);
      await trx
        .insertInto('service_links')
        .values({ organisation_id: organisationId, lgsl: Number(row.lgsl), lgil: Number(row.lgil), url: row.url })
        .execute();
      count += 1;
    }
    return count;
  },
};

interface PartnershipFile {
  slug: string;
  name: string;
  kind: 'national' | 'regional' | 'shire' | 'local';
  /** Starts every case reference, as in DBY-2026-000123. */
  referencePrefix: string;
  description: string;
  councils: string[];
  /** Names to use where GOV.UK's list gives a short form ("Derby City" for Derby City Council). */
  councilNames?: Record<string, string>;
}

/** The partnership is data: another English partnership is another file in data/partnerships/. */
function partnershipDataset(slug: string): Dataset {
  return {
    name: `partnership:${slug}`,
    files: [`partnerships/${slug}.json`],
    async load(trx, [json]) {
      const file = JSON.parse(json) as PartnershipFile;
      const details = {
        slug: file.slug,
        name: file.name,
        kind: file.kind,
        description: file.description,
        reference_prefix: file.referencePrefix,
      };
      const { id } = await trx
        .insertInto('partnerships')
        .values(details)
        .onConflict((oc) => oc.column('slug').doUpdateSet(details))
        .returning('id')
        .executeTakeFirstOrThrow();
      for (const [gss, name] of Object.entries(file.councilNames ?? {})) {
        await trx.updateTable('organisations').set({ name }).where('gss', '=', gss).execute();
      }
      const members = await trx
        .selectFrom('organisations')
        .select(['id', 'gss'])
        .where('gss', 'in', file.councils)
        .execute();
      const missing = file.councils.filter((gss) => !members.some((member) => member.gss === gss));
      if (missing.length > 0) throw new Error(`Partnership ${slug} names unknown councils: ${missing.join(', ')}`);
      await trx
        .insertInto('partnership_members')
        .values(members.map((member) => ({ partnership_id: id, organisation_id: member.id })))
        .onConflict((oc) => oc.doNothing())
        .execute();
      return members.length;
    },
  };
}

/** The partnership's request types (data/catalogue/<partnership>.json), added to each member council. */
function catalogueDataset(slug: string): Dataset {
  return {
    name: `catalogue:${slug}`,
    files: [`catalogue/${slug}.json`, `partnerships/${slug}.json`],
    load: (trx, [json]) => loadCatalogue(trx, slug, JSON.parse(json) as CatalogueFile),
  };
}
