import { readFileSync } from 'node:fs';
import { parseCsv, dataPath } from '../../db/seed/files.js';
import { boundingBox, type AreaGeometry } from './geometry.js';
import { buildBoundaryIndex, type Boundary, type BoundaryIndex } from './boundary-index.js';
import type { BoundaryLevel } from '../../db/schema.js';

/** England's boundaries of each level, as the project's GeoJSON files hold them. */
export const englandBoundaryFiles: [BoundaryLevel, string][] = [
  ['lower', 'boundaries/england-ltla-2025.geojson'],
  ['upper', 'boundaries/england-utla-2025.geojson'],
];

/** The boundaries in GeoJSON files of data/, each of the level given beside it, without a database. */
export function readBoundaryFiles(files: [BoundaryLevel, string][]): Boundary[] {
  return files.flatMap(([level, file]) => {
    const { features } = JSON.parse(readFileSync(dataPath(file), 'utf8')) as {
      features: { properties: { areacd: string; areanm: string }; geometry: AreaGeometry }[];
    };
    return features.map((feature) => ({
      gss: feature.properties.areacd,
      level,
      name: feature.properties.areanm,
      geometry: feature.geometry,
      ...boundingBox(feature.geometry),
    }));
  });
}

/** The boundary index straight from the project's GeoJSON files, without a database. */
export function boundaryIndexFromFiles(): BoundaryIndex {
  return buildBoundaryIndex(readBoundaryFiles(englandBoundaryFiles));
}

export interface AccuracyReport {
  postcodes: number;
  lowerTierMatches: number;
  upperTierMatches: number;
  misses: { postcode: string; table: string; polygon: string | undefined }[];
}

/**
 * How often the point-in-polygon answer for a postcode's coordinates agrees with the councils the
 * postcode table gives. The table is right by definition; the boundaries are simplified.
 */
export function measureRoutingAccuracy(index: BoundaryIndex, postcodeFile: string): AccuracyReport {
  const rows = parseCsv(readFileSync(dataPath(postcodeFile), 'utf8'));
  const report: AccuracyReport = { postcodes: rows.length, lowerTierMatches: 0, upperTierMatches: 0, misses: [] };
  for (const row of rows) {
    const longitude = Number(row.longitude);
    const latitude = Number(row.latitude);
    const lower = index.areaAt('lower', longitude, latitude)?.gss;
    const upper = index.areaAt('upper', longitude, latitude)?.gss;
    const expectedUpper = row.admin_county_code || row.admin_district_code;
    if (lower === row.admin_district_code) report.lowerTierMatches += 1;
    else report.misses.push({ postcode: row.postcode, table: row.admin_district_code, polygon: lower });
    if (upper === expectedUpper) report.upperTierMatches += 1;
  }
  return report;
}
