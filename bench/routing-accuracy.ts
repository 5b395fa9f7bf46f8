/**
 * Measures, over all 27,717 postcodes, how often the point-in-polygon answer matches the postcode
 * table, and how fast a point is routed. Run with `npm run bench:accuracy`.
 */
import { boundaryIndexFromFiles, measureRoutingAccuracy } from '../src/modules/places/routing-accuracy.js';

const buildStart = performance.now();
const index = boundaryIndexFromFiles();
const buildMs = performance.now() - buildStart;

const start = performance.now();
const report = measureRoutingAccuracy(index, 'postcodes/derbyshire-postcodes-codepoint-2014.csv');
const elapsedMs = performance.now() - start;
const lookups = report.postcodes * 2;

const percent = (count: number) => ((100 * count) / report.postcodes).toFixed(2);
console.log(`Boundary index built from the GeoJSON in ${buildMs.toFixed(0)} ms`);
console.log(`Postcodes: ${report.postcodes}`);
console.log(`Lower tier matches the postcode table: ${report.lowerTierMatches} (${percent(report.lowerTierMatches)}%)`);
console.log(`Upper tier matches the postcode table: ${report.upperTierMatches} (${percent(report.upperTierMatches)}%)`);
console.log(
  `Point lookups: ${lookups} in ${elapsedMs.toFixed(0)} ms (${((elapsedMs * 1000) / lookups).toFixed(1)} µs each)`,
);
const byPair = new Map<string, number>();
for (const miss of report.misses)
  byPair.set(
    `${miss.table} → ${miss.polygon ?? 'none'}`,
    (byPair.get(`${miss.table} → ${miss.polygon ?? 'none'}`) ?? 0) + 1,
  );
console.log('Lower-tier misses (table → polygon):');
for (const [pair, count] of [...byPair].sort((a, b) => b[1] - a[1]).slice(0, 10)) console.log(`  ${pair}: ${count}`);
