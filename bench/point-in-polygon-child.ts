/**
 * Point-in-polygon in process, run by bench/run.ts in a process of its own and printing one JSON line.
 * It uses `measurePointInPolygon()` from bench/point-in-polygon.ts when that file exists (it also
 * measures PostGIS); otherwise it times the app's own boundary index over every postcode's
 * coordinates, both tiers, and reports PostGIS as not measured.
 */
import { existsSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { dataPath, parseCsv } from '../src/db/seed/files.js';
import { boundaryIndexFromFiles } from '../src/modules/places/routing-accuracy.js';

export interface PointInPolygonFigures {
  lookupsPerSecond: number;
  postgisLookupsPerSecond: number | null;
  source: string;
  note?: string;
}

interface ExternalModule {
  measurePointInPolygon(options?: {
    databaseUrl?: string;
    quick?: boolean;
  }): Promise<{ lookupsPerSecond: number; postgisLookupsPerSecond: number | null }>;
}

const here = path.dirname(fileURLToPath(import.meta.url));
const external = path.join(here, 'point-in-polygon.ts');
const quick = process.argv.includes('--quick');

async function ownMeasurement(): Promise<PointInPolygonFigures> {
  const index = boundaryIndexFromFiles();
  const rows = parseCsv(readFileSync(dataPath('postcodes/derbyshire-postcodes-codepoint-2014.csv'), 'utf8'));
  const points = rows.map((row) => [Number(row.longitude), Number(row.latitude)] as const);
  let lookups = 0;
  let found = 0;
  const run = () => {
    for (const [longitude, latitude] of points) {
      if (index.areaAt('lower', longitude, latitude)) found += 1;
      if (index.areaAt('upper', longitude, latitude)) found += 1;
      lookups += 2;
    }
  };
  run(); // warm up
  lookups = 0;
  const start = performance.now();
  const minimumMs = quick ? 1_000 : 3_000;
  while (performance.now() - start < minimumMs) run();
  const seconds = (performance.now() - start) / 1000;
  return {
    lookupsPerSecond: lookups / seconds,
    postgisLookupsPerSecond: null,
    source: 'boundaryIndexFromFiles() over the postcode file’s coordinates, both tiers',
    note: `bench/point-in-polygon.ts is absent, so PostGIS was not measured (${found > 0 ? 'points found' : 'no point found'})`,
  };
}

async function measure(): Promise<PointInPolygonFigures> {
  if (!existsSync(external)) return ownMeasurement();
  const module = (await import(pathToFileURL(external).href)) as ExternalModule;
  const figures = await module.measurePointInPolygon({ databaseUrl: process.env.DATABASE_URL, quick });
  return {
    lookupsPerSecond: figures.lookupsPerSecond,
    postgisLookupsPerSecond: figures.postgisLookupsPerSecond,
    source: 'measurePointInPolygon() from bench/point-in-polygon.ts',
  };
}

console.log(JSON.stringify(await measure()));
