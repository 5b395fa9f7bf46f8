/**
 * Grid clustering: points whose screen positions fall in the same square of `cellSize` pixels at
 * the map's zoom become one group, drawn at the mean of their positions. Simple, and fast enough
 * for the few thousand points the map shows (one pass over them at each zoom).
 *
 * Groups in neighbouring cells can still be drawn a pixel apart, and markers that overlap hide each
 * other and are too small to hit (WCAG 2.2, 2.5.8 target size). So groups drawn closer than
 * `minDistance` pixels are merged too, until none are.
 *
 * @template {{ latitude: number, longitude: number }} P
 * @param {P[]} points
 * @param {(point: P) => { x: number, y: number }} toPixel where the point is drawn at this zoom
 * @param {number} cellSize
 * @param {number} minDistance
 * @returns {{ latitude: number, longitude: number, points: P[] }[]}
 */
export function clusterByGrid(points, toPixel, cellSize = 60, minDistance = 0) {
  const cells = new Map();
  for (const point of points) {
    const pixel = toPixel(point);
    const key = `${Math.floor(pixel.x / cellSize)}:${Math.floor(pixel.y / cellSize)}`;
    const cell = cells.get(key);
    if (cell) cell.push({ point, pixel });
    else cells.set(key, [{ point, pixel }]);
  }
  const groups = [...cells.values()].map((members) => ({ members, centre: meanPixel(members) }));
  mergeCloserThan(groups, minDistance);
  return groups.map(({ members }) => ({
    latitude: members.reduce((sum, { point }) => sum + point.latitude, 0) / members.length,
    longitude: members.reduce((sum, { point }) => sum + point.longitude, 0) / members.length,
    points: members.map(({ point }) => point),
  }));
}

function meanPixel(members) {
  return {
    x: members.reduce((sum, { pixel }) => sum + pixel.x, 0) / members.length,
    y: members.reduce((sum, { pixel }) => sum + pixel.y, 0) / members.length,
  };
}

/** Merges, in place, any two groups whose centres are closer than `minDistance`, until none are. */
function mergeCloserThan(groups, minDistance) {
  for (let merged = minDistance > 0; merged;) {
    merged = false;
    for (let i = 0; i < groups.length; i++) {
      for (let j = i + 1; j < groups.length; j++) {
        const dx = groups[i].centre.x - groups[j].centre.x;
        const dy = groups[i].centre.y - groups[j].centre.y;
        if (dx * dx + dy * dy >= minDistance * minDistance) continue;
        groups[i].members.push(...groups[j].members);
        groups[i].centre = meanPixel(groups[i].members);
        groups.splice(j, 1);
        merged = true;
        j = i;
      }
    }
  }
}
