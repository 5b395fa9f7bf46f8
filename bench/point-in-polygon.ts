/**
 * Point → council lookups per second in process, over both tiers and all of England, beside PostGIS
 * `ST_Contains` on the same 449 polygons. Run with `npx tsx bench/point-in-polygon.ts [--quick]`.
 */
import { readFileSync } from 'node:fs';
import { randomBytes } from 'node:crypto';
import { pathToFileURL } from 'node:url';
import { setFlagsFromString } from 'node:v8';
import { runInNewContext } from 'node:vm';
import pg from 'pg';
import { dataPath, parseCsv } from '../src/db/seed/files.js';
import type { BoundaryLevel } from '../src/db/schema.js';
import { buildBoundaryIndex, type Boundary, type BoundaryIndex } from '../src/modules/places/boundary-index.js';
import { boundingBox, type AreaGeometry } from '../src/modules/places/geometry.js';

export interface PointInPolygonFigures {
  lookupsPerSecond: number;
  buildMs: number;
  postgisLookupsPerSecond: number | null;
  note: string;
}

const boundaryFiles: [BoundaryLevel, string][] = [
  ['lower', 'boundaries/england-ltla-2025.geojson'],
  ['upper', 'boundaries/england-utla-2025.geojson'],
];

interface BoundaryFeature {
  properties: { areacd: string; areanm: string };
  geometry: AreaGeometry;
}

/** Read as `boundaryIndexFromFiles` reads them, but kept apart from the build so the build is timed alone. */
function readBoundaries(): Boundary[] {
  return boundaryFiles.flatMap(([level, file]) => {
    const { features } = JSON.parse(readFileSync(dataPath(file), 'utf8')) as { features: BoundaryFeature[] };
    return features.map((feature) => ({
      gss: feature.properties.areacd,
      level,
      name: feature.properties.areanm,
      geometry: feature.geometry,
      ...boundingBox(feature.geometry),
    }));
  });
}

/** A fixed seed, so every run (and PostGIS) looks up the same points. */
function seededRandom(seed: number): () => number {
  let state = seed >>> 0;
  return () => {
    // mulberry32
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/** Every postcode's coordinates, then as many random points again within England's bounding box. */
function benchPoints(boundaries: Boundary[]): { longitudes: Float64Array; latitudes: Float64Array } {
  const rows = parseCsv(readFileSync(dataPath('postcodes/derbyshire-postcodes-codepoint-2014.csv'), 'utf8'));
  const postcodes = rows.map((row) => [Number(row.longitude), Number(row.latitude)]);
  const england = {
    minLongitude: Math.min(...boundaries.map((b) => b.minLongitude)),
    minLatitude: Math.min(...boundaries.map((b) => b.minLatitude)),
    maxLongitude: Math.max(...boundaries.map((b) => b.maxLongitude)),
    maxLatitude: Math.max(...boundaries.map((b) => b.maxLatitude)),
  };
  const random = seededRandom(7);
  const count = postcodes.length * 2;
  const longitudes = new Float64Array(count);
  const latitudes = new Float64Array(count);
  for (let i = 0; i < count; i++) {
    if (i < postcodes.length) {
      [longitudes[i], latitudes[i]] = postcodes[i];
    } else {
      longitudes[i] = england.minLongitude + random() * (england.maxLongitude - england.minLongitude);
      latitudes[i] = england.minLatitude + random() * (england.maxLatitude - england.minLatitude);
    }
  }
  // Shuffled, so the timed loop does not walk Derbyshire street by street and flatter the caches.
  for (let i = count - 1; i > 0; i--) {
    const j = Math.floor(random() * (i + 1));
    [longitudes[i], longitudes[j]] = [longitudes[j], longitudes[i]];
    [latitudes[i], latitudes[j]] = [latitudes[j], latitudes[i]];
  }
  return { longitudes, latitudes };
}

/** Whole passes over the points, both tiers each, until at least `minimumMs` has gone. */
function timeLookups(
  index: BoundaryIndex,
  points: { longitudes: Float64Array; latitudes: Float64Array },
  minimumMs: number,
) {
  const { longitudes, latitudes } = points;
  let lookups = 0;
  let found = 0;
  const start = performance.now();
  let elapsed = 0;
  do {
    for (let i = 0; i < longitudes.length; i++) {
      if (index.areaAt('lower', longitudes[i], latitudes[i]) !== undefined) found++;
      if (index.areaAt('upper', longitudes[i], latitudes[i]) !== undefined) found++;
    }
    lookups += longitudes.length * 2;
    elapsed = performance.now() - start;
  } while (elapsed < minimumMs);
  return { lookupsPerSecond: (lookups * 1000) / elapsed, found };
}

/** A garbage collector to call, so heap figures before and after the build mean something. */
function collector(): () => void {
  setFlagsFromString('--expose-gc');
  return runInNewContext('gc') as () => void;
}

const megabytes = (bytes: number) => (bytes / 1048576).toFixed(1);

function retainedBytes(): number {
  const usage = process.memoryUsage();
  return usage.heapUsed + usage.arrayBuffers;
}

/**
 * The first build in the process is the one the server pays at start (its code not yet optimised);
 * later builds show the steady cost. Memory is what the index holds once built, and once every bench
 * point has been looked up (border cells compile on their first lookup).
 */
function measureBuild(boundaries: Boundary[]) {
  const gc = collector();
  gc();
  const before = retainedBytes();
  const coldStart = performance.now();
  const index = buildBoundaryIndex(boundaries);
  const coldMs = performance.now() - coldStart;
  gc();
  const builtBytes = retainedBytes() - before;
  const warm: number[] = [];
  for (let i = 0; i < 5; i++) {
    const start = performance.now();
    buildBoundaryIndex(boundaries);
    warm.push(performance.now() - start);
  }
  warm.sort((a, b) => a - b);
  const usedBytes = () => {
    gc();
    return retainedBytes() - before;
  };
  return { index, coldMs, warmMs: warm[warm.length >> 1], builtBytes, usedBytes };
}

const adminUrl = process.env.DATABASE_URL ?? 'postgres://postgres@127.0.0.1:5432/postgres';
const batchSize = 1000;

function databaseUrl(database: string): string {
  const url = new URL(adminUrl);
  url.pathname = `/${database}`;
  return url.toString();
}

/**
 * Loads the boundaries into their own database with a GiST index and times `ST_Contains` for both
 * tiers, a batch of points per query, so round trips do not dominate. Null when PostGIS is absent.
 */
async function measurePostgis(
  boundaries: Boundary[],
  points: { longitudes: Float64Array; latitudes: Float64Array },
  index: BoundaryIndex,
  minimumMs: number,
): Promise<{ lookupsPerSecond: number; agreement: number; compared: number } | { missing: string }> {
  const admin = new pg.Client({ connectionString: adminUrl });
  try {
    await admin.connect();
  } catch (error) {
    return { missing: `no PostgreSQL at ${new URL(adminUrl).host} (${(error as Error).message})` };
  }
  const database = `shirehall_pip_bench_${randomBytes(4).toString('hex')}`;
  try {
    const available = await admin.query("select 1 from pg_available_extensions where name = 'postgis'");
    if (available.rowCount === 0) return { missing: 'PostGIS is not installed on the server' };
    await admin.query(`create database ${database}`);
    const client = new pg.Client({ connectionString: databaseUrl(database) });
    await client.connect();
    try {
      await client.query('create extension postgis');
      await client.query(
        'create table boundaries (id serial primary key, level text not null, gss text not null, geom geometry(MultiPolygon, 4326) not null)',
      );
      for (const boundary of boundaries) {
        await client.query(
          'insert into boundaries (level, gss, geom) values ($1, $2, ST_Multi(ST_SetSRID(ST_GeomFromGeoJSON($3), 4326)))',
          [boundary.level, boundary.gss, JSON.stringify(boundary.geometry)],
        );
      }
      await client.query('create index boundaries_geom on boundaries using gist (geom)');
      await client.query('analyze boundaries');

      const query = `
        select p.i, lower_area.gss as lower_gss, upper_area.gss as upper_gss
        from unnest($1::float8[], $2::float8[]) with ordinality as p(x, y, i)
        left join lateral (
          select gss from boundaries b
          where b.level = 'lower' and ST_Contains(b.geom, ST_SetSRID(ST_MakePoint(p.x, p.y), 4326)) limit 1
        ) lower_area on true
        left join lateral (
          select gss from boundaries b
          where b.level = 'upper' and ST_Contains(b.geom, ST_SetSRID(ST_MakePoint(p.x, p.y), 4326)) limit 1
        ) upper_area on true
        order by p.i`;
      const batches = Math.ceil(points.longitudes.length / batchSize);
      const batchAt = (b: number) => {
        const from = b * batchSize;
        const to = Math.min(from + batchSize, points.longitudes.length);
        return {
          from,
          longitudes: [...points.longitudes.subarray(from, to)],
          latitudes: [...points.latitudes.subarray(from, to)],
        };
      };
      // One batch untimed, so PostGIS's caches are as warm as the in-process index's.
      await client.query(query, [batchAt(0).longitudes, batchAt(0).latitudes]);

      let lookups = 0;
      let elapsed = 0;
      const answers: { from: number; rows: { i: string; lower_gss: string | null; upper_gss: string | null }[] }[] = [];
      const start = performance.now();
      for (let b = 0; b < batches && (elapsed < minimumMs || b < 2); b++) {
        const batch = batchAt(b);
        const result = await client.query<{ i: string; lower_gss: string | null; upper_gss: string | null }>(query, [
          batch.longitudes,
          batch.latitudes,
        ]);
        answers.push({ from: batch.from, rows: result.rows });
        lookups += batch.longitudes.length * 2;
        elapsed = performance.now() - start;
      }

      let agreeing = 0;
      for (const { from, rows } of answers) {
        for (const row of rows) {
          const i = from + Number(row.i) - 1;
          if ((index.areaAt('lower', points.longitudes[i], points.latitudes[i])?.gss ?? null) === row.lower_gss)
            agreeing++;
          if ((index.areaAt('upper', points.longitudes[i], points.latitudes[i])?.gss ?? null) === row.upper_gss)
            agreeing++;
        }
      }
      return { lookupsPerSecond: (lookups * 1000) / elapsed, agreement: agreeing / lookups, compared: lookups };
    } finally {
      await client.end();
    }
  } finally {
    await admin.query(`drop database if exists ${database}`).catch(() => undefined);
    await admin.end();
  }
}

export async function measurePointInPolygon(options?: { quick?: boolean }): Promise<PointInPolygonFigures> {
  const quick = options?.quick ?? false;
  const boundaries = readBoundaries();
  const points = benchPoints(boundaries);
  const build = measureBuild(boundaries);

  const minimumMs = quick ? 1000 : 3000;
  // A short warm-up, so the optimising compiler has run before the clock starts.
  timeLookups(build.index, points, 200);
  const rounds = quick ? 1 : 3;
  const rates: number[] = [];
  for (let round = 0; round < rounds; round++)
    rates.push(timeLookups(build.index, points, minimumMs / rounds).lookupsPerSecond);
  rates.sort((a, b) => a - b);
  const lookupsPerSecond = rates[rates.length >> 1];
  const usedBytes = build.usedBytes();

  const postgis = await measurePostgis(boundaries, points, build.index, quick ? 1000 : 3000);
  const postgisLookupsPerSecond = 'missing' in postgis ? null : postgis.lookupsPerSecond;

  const parts = [
    `${boundaries.length} boundaries; ${points.longitudes.length.toLocaleString('en-GB')} points (every postcode in data/postcodes ` +
      `plus as many random points in England's bounding box, shuffled), each looked up in both tiers; ` +
      `median of ${rounds} timed run(s) of whole passes, ≥ ${minimumMs} ms in all, one thread.`,
    `Build: ${build.coldMs.toFixed(1)} ms the first in the process (what the server pays at start, reported as buildMs), ` +
      `${build.warmMs.toFixed(1)} ms median of 5 later builds. Memory beyond the parsed GeoJSON (heap + array buffers ` +
      `after GC): ${megabytes(build.builtBytes)} MB once built, ${megabytes(usedBytes)} MB after every bench point ` +
      `was looked up (border cells compile on first use).`,
  ];
  if ('missing' in postgis) {
    parts.push(
      `PostGIS not measured: ${postgis.missing}. Install it with \`apt-get install -y postgresql-15-postgis-3\` ` +
        `(or your distribution's PostGIS package for the server's version), or point DATABASE_URL at a server that has it.`,
    );
  } else {
    parts.push(
      `PostGIS: the same boundaries in a temporary database as geometry(MultiPolygon, 4326) with a GiST index; ` +
        `ST_Contains for both tiers via two LATERAL joins over unnest() of ${batchSize} points per query, ` +
        `one connection, ${postgis.compared.toLocaleString('en-GB')} lookups timed; ` +
        `${(100 * postgis.agreement).toFixed(3)}% of answers equal to the in-process index ` +
        `(ST_Contains excludes points exactly on a border). Ratio ${(lookupsPerSecond / postgis.lookupsPerSecond).toFixed(1)}×.`,
    );
  }
  return { lookupsPerSecond, buildMs: build.coldMs, postgisLookupsPerSecond, note: parts.join(' ') };
}

if (import.meta.url === pathToFileURL(process.argv[1] ?? '').href) {
  const figures = await measurePointInPolygon({ quick: process.argv.includes('--quick') });
  const format = (n: number) => Math.round(n).toLocaleString('en-GB');
  console.log(`In process: ${format(figures.lookupsPerSecond)} lookups/s`);
  console.log(`Build: ${figures.buildMs.toFixed(1)} ms`);
  console.log(
    `PostGIS: ${figures.postgisLookupsPerSecond === null ? 'not measured' : `${format(figures.postgisLookupsPerSecond)} lookups/s`}`,
  );
  if (figures.postgisLookupsPerSecond !== null) {
    console.log(`Ratio: ${(figures.lookupsPerSecond / figures.postgisLookupsPerSecond).toFixed(1)}×`);
  }
  console.log(figures.note);
}
