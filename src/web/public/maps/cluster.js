/**
 * Grid clustering: points whose screen positions fall in the same square of `cellSize` pixels at
 * the map's zoom become one group, drawn at the mean of their positions. Simple, and fast enough
 * for the few thousand points the map shows (one pass over them at each zoom).
 *
 * @template {{ latitude: number, longitude: number }} P
 * @param {P[]} points
 * @param {(point: P) => { x: number, y: number }} toPixel where the point is drawn at this zoom
 * @param {number} cellSize
 * @returns {{ latitude: number, longitude: number, points: P[] }[]}
 */
export function clusterByGrid(points, toPixel, cellSize = 60) {
  const cells = new Map();
  for (const point of points) {
    const { x, y } = toPixel(point);
    const key = `${Math.floor(x / cellSize)}:${Math.floor(y / cellSize)}`;
    const cell = cells.get(key);
    if (cell) cell.push(point);
    else cells.set(key, [point]);
  }
  return [...cells.values()].map((members) => ({
    latitude: members.reduce((sum, point) => sum + point.latitude, 0) / members.length,
    longitude: members.reduce((sum, point) => sum + point.longitude, 0) / members.length,
    points: members,
  }));
}
