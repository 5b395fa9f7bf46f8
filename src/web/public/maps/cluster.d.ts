/** Types for cluster.js, a plain browser module, so the TypeScript tests can check it. */
export declare function clusterByGrid<P extends { latitude: number; longitude: number }>(
  points: P[],
  toPixel: (point: P) => { x: number; y: number },
  cellSize?: number,
  minDistance?: number,
): { latitude: number; longitude: number; points: P[] }[];
