import { describe, expect, it } from 'vitest';
import { boundaryIndexFromFiles, measureRoutingAccuracy } from './routing-accuracy.js';

const index = boundaryIndexFromFiles();

describe('routing a point by the boundaries of England', () => {
  // The boundaries are simplified, so postcodes along borders can fall on the wrong side: over all
  // 27,717 postcodes 99.6% agree (npm run bench); the sample, weighted to small districts, 98.5%.
  it('agrees with the postcode table for at least 98% of the sample postcodes', () => {
    const report = measureRoutingAccuracy(index, 'postcodes/derbyshire-postcodes-sample.csv');
    expect(report.postcodes).toBe(203);
    expect(report.lowerTierMatches / report.postcodes).toBeGreaterThanOrEqual(0.98);
    expect(report.upperTierMatches / report.postcodes).toBeGreaterThanOrEqual(0.98);
  });

  it('puts Derby in the unitary, inside the hole of the county polygon', () => {
    expect(index.areaAt('upper', -1.4746, 52.9225)?.gss).toBe('E06000015');
    expect(index.areaAt('lower', -1.4746, 52.9225)?.gss).toBe('E06000015');
  });

  it('puts Matlock in Derbyshire Dales and Derbyshire county', () => {
    expect(index.areaAt('lower', -1.5519, 53.1428)?.gss).toBe('E07000035');
    expect(index.areaAt('upper', -1.5519, 53.1428)?.gss).toBe('E10000007');
  });

  it('tells the two sides of the Derbyshire–Staffordshire border apart (Burton upon Trent)', () => {
    expect(index.areaAt('lower', -1.6365, 52.8029)?.gss).toBe('E07000193');
    expect(index.areaAt('upper', -1.6365, 52.8029)?.gss).toBe('E10000028');
    // Swadlincote, a few miles east, is South Derbyshire.
    expect(index.areaAt('lower', -1.5567, 52.7737)?.gss).toBe('E07000039');
  });

  it('finds nothing at sea or abroad', () => {
    expect(index.areaAt('lower', -5, 50)).toBeUndefined();
    expect(index.areaAt('lower', 2.35, 48.85)).toBeUndefined();
  });
});
