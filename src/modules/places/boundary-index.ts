import Flatbush from 'flatbush';
import type { BoundaryLevel } from '../../db/schema.js';
import { areaContains, crossesRayEast, polygonsOf, type AreaGeometry, type BoundingBox } from './geometry.js';

export interface Boundary extends BoundingBox {
  gss: string;
  level: BoundaryLevel;
  name: string;
  geometry: AreaGeometry;
}

export interface BoundaryIndex {
  /** The area of the given level that contains the point, if any. */
  areaAt(level: BoundaryLevel, longitude: number, latitude: number): Boundary | undefined;
}

export interface BoundaryIndexOptions {
  /**
   * Height of a grid cell in degrees of latitude (cells are as wide on the ground). Smaller cells
   * mean fewer points needing an exact test and fewer edges in each test, for more memory.
   */
  cellDegrees?: number;
}

/**
 * About 1.1 km. Over England's 449 simplified boundaries, 5–7% of cells lie on a border, keeping
 * about five edges each over all their candidate areas; the whole index takes about 11 MB.
 */
const DEFAULT_CELL_DEGREES = 0.01;
const MAX_CELLS_PER_LEVEL = 8_000_000;

/**
 * How far (in degrees, about 0.1 mm) a cell is widened when deciding which edges touch it. It only
 * has to dwarf the rounding in the crossing arithmetic (around 1e-15 degrees), so that an edge kept
 * out of a cell lies unambiguously east or west of every point that can be looked up in it.
 */
const MARGIN = 1e-9;

/**
 * An edge this far east, running from latitude t to beyond the pole, crosses the ray of exactly the
 * points with latitude ≥ t: it stands in for a chain of edges east of a cell (see `BorderCompiler`).
 */
const FAR_EAST = 1e300;

/** A cell that lies in no area. Non-negative values are the one area a cell lies wholly inside. */
const NO_AREA = -1;
/** A border cell whose exact test has not been compiled yet; values below it are compiled tests. */
const NOT_COMPILED = -2;

interface LevelGrid {
  minX: number;
  minY: number;
  maxX: number;
  maxY: number;
  columns: number;
  rows: number;
  columnsPerDegree: number;
  rowsPerDegree: number;
  /**
   * Per cell: an area index, NO_AREA, NOT_COMPILED, or -3 - (offset of the cell's exact test in the
   * compiler's `program`): candidate count, then per candidate (in input order) its area index and
   * polygon count (0: the area holds the whole cell, bounding box permitting), then per polygon its
   * ring count, then per ring (outline first, then holes) its parity before its stored edges, and
   * their first and past-the-end offsets in the compiler's `edges` (xi, yi, xj, yj each).
   */
  cells: Int32Array;
  /**
   * Compiles border cells on the first lookup in each: the server starts sooner, and the many border
   * cells where nobody ever asks (at sea, along the coast) cost nothing.
   */
  compiler: BorderCompiler;
  /** Per area: its bounding box as given, which the R-tree used to filter candidates before. */
  boxes: Float64Array;
  areas: Boundary[];
  /** The R-tree the index used before, kept to break ties exactly as it did (see `exactTest`). */
  tree: Flatbush;
}

class IntList {
  data: Int32Array;
  length = 0;
  constructor(capacity: number) {
    this.data = new Int32Array(Math.max(16, capacity));
  }
  push(value: number): void {
    if (this.length === this.data.length) this.grow();
    this.data[this.length++] = value;
  }
  private grow(): void {
    const bigger = new Int32Array(this.data.length * 2);
    bigger.set(this.data);
    this.data = bigger;
  }
  toArray(): Int32Array {
    return this.data.slice(0, this.length);
  }
}

class FloatList {
  data: Float64Array;
  length = 0;
  constructor(capacity: number) {
    this.data = new Float64Array(Math.max(16, capacity));
  }
  push(value: number): void {
    if (this.length === this.data.length) this.grow();
    this.data[this.length++] = value;
  }
  private grow(): void {
    const bigger = new Float64Array(this.data.length * 2);
    bigger.set(this.data);
    this.data = bigger;
  }
  toArray(): Float64Array {
    return this.data.slice(0, this.length);
  }
}

/**
 * Answers from a uniform grid over each level's extent. A cell wholly inside one area, or outside
 * every area, answers with one array read; only cells that a border crosses keep the few edges of the
 * areas crossing them, which are ray cast exactly as `areaContains` would, so the answers are the same
 * to the last bit as casting rays through whole polygons.
 */
export function buildBoundaryIndex(boundaries: Boundary[], options: BoundaryIndexOptions = {}): BoundaryIndex {
  const cellDegrees = options.cellDegrees ?? DEFAULT_CELL_DEGREES;
  const lower = buildLevel(
    boundaries.filter((boundary) => boundary.level === 'lower'),
    cellDegrees,
  );
  const upper = buildLevel(
    boundaries.filter((boundary) => boundary.level === 'upper'),
    cellDegrees,
  );
  return {
    areaAt(level, longitude, latitude) {
      const grid = level === 'lower' ? lower : level === 'upper' ? upper : undefined;
      return grid === undefined ? undefined : lookUp(grid, longitude, latitude);
    },
  };
}

function lookUp(grid: LevelGrid, longitude: number, latitude: number): Boundary | undefined {
  // Written to be false for NaN too, which the ray casting never places in an area either.
  if (!(longitude >= grid.minX && longitude <= grid.maxX && latitude >= grid.minY && latitude <= grid.maxY)) {
    return undefined;
  }
  let column = Math.floor((longitude - grid.minX) * grid.columnsPerDegree);
  if (column >= grid.columns) column = grid.columns - 1;
  let row = Math.floor((latitude - grid.minY) * grid.rowsPerDegree);
  if (row >= grid.rows) row = grid.rows - 1;
  const cell = row * grid.columns + column;
  let value = grid.cells[cell];
  if (value >= 0) return grid.areas[value];
  if (value === NO_AREA) return undefined;
  if (value === NOT_COMPILED) {
    value = grid.compiler.compileCell(cell);
    grid.cells[cell] = value;
    if (value >= 0) return grid.areas[value];
    if (value === NO_AREA) return undefined;
  }
  return exactTest(grid, -3 - value, longitude, latitude);
}

function exactTest(grid: LevelGrid, offset: number, longitude: number, latitude: number): Boundary | undefined {
  const { boxes } = grid;
  const program = grid.compiler.program.data;
  const edges = grid.compiler.edges.data;
  let at = offset;
  let holder = -1;
  const candidates = program[at++];
  for (let candidate = 0; candidate < candidates; candidate++) {
    const area = program[at++];
    const polygons = program[at++];
    const box = area * 4;
    const inBox =
      longitude >= boxes[box] &&
      latitude >= boxes[box + 1] &&
      longitude <= boxes[box + 2] &&
      latitude <= boxes[box + 3];
    let found = inBox && polygons === 0;
    for (let polygon = 0; polygon < polygons; polygon++) {
      const rings = program[at++];
      if (inBox && !found && ringParity(program, edges, at, longitude, latitude)) {
        found = true;
        for (let hole = 1; hole < rings; hole++) {
          if (ringParity(program, edges, at + 3 * hole, longitude, latitude)) {
            found = false;
            break;
          }
        }
      }
      at += 3 * rings;
    }
    if (!found) continue;
    // Ray casting can put a point exactly on a shared border inside both areas. Which one it is then
    // was decided by the order the R-tree listed candidates in; asking it again keeps that answer.
    if (holder >= 0) return firstHolderInTreeOrder(grid, longitude, latitude);
    holder = area;
  }
  return holder >= 0 ? grid.areas[holder] : undefined;
}

/** The previous index's whole answer: the R-tree's candidates, ray cast in its order. */
function firstHolderInTreeOrder(grid: LevelGrid, longitude: number, latitude: number): Boundary | undefined {
  return grid.tree
    .search(longitude, latitude, longitude, latitude)
    .map((index) => grid.areas[index])
    .find((area) => areaContains(area.geometry, longitude, latitude));
}

function ringParity(
  program: Int32Array,
  edges: Float64Array,
  at: number,
  longitude: number,
  latitude: number,
): boolean {
  let inside = program[at] === 1;
  const end = program[at + 2];
  for (let edge = program[at + 1]; edge < end; edge += 4) {
    if (crossesRayEast(edges[edge], edges[edge + 1], edges[edge + 2], edges[edge + 3], longitude, latitude)) {
      inside = !inside;
    }
  }
  return inside;
}

/**
 * Builds one level's grid. Each phase is its own function: V8 optimises a hot loop by compiling the
 * function around it, and compiling one small function per phase costs far less, on the cold start
 * the server pays, than recompiling one large function for every loop in it.
 */
function buildLevel(areas: Boundary[], cellDegrees: number): LevelGrid | undefined {
  const layout = layOutGrid(areas, cellDegrees);
  if (layout === undefined) return undefined;
  const rings = flattenRings(areas);
  const touching = edgesByCell(rings, layout);
  const crossings = rowCrossings(rings, layout);
  const interiors = fillInteriors(rings, layout, touching, crossings);
  const compiler = new BorderCompiler(rings, layout, touching, crossings, interiors);

  const tree = new Flatbush(areas.length);
  for (const area of areas) tree.add(area.minLongitude, area.minLatitude, area.maxLongitude, area.maxLatitude);
  tree.finish();

  return {
    minX: layout.minX,
    minY: layout.minY,
    maxX: layout.maxX,
    maxY: layout.maxY,
    columns: layout.columns,
    rows: layout.rows,
    columnsPerDegree: 1 / layout.cellWidth,
    rowsPerDegree: 1 / layout.cellHeight,
    cells: classifyCells(touching, interiors),
    compiler,
    boxes: layout.boxes,
    areas,
    tree,
  };
}

interface Layout {
  minX: number;
  minY: number;
  maxX: number;
  maxY: number;
  columns: number;
  rows: number;
  cellWidth: number;
  cellHeight: number;
  /** Per area: its bounding box as given. */
  boxes: Float64Array;
  /** Per area: first column, first row, last column and last row of cells wholly inside its box. */
  boxCells: Int32Array;
}

const westOf = (layout: Layout, column: number) => layout.minX + column * layout.cellWidth;
const southOf = (layout: Layout, row: number) => layout.minY + row * layout.cellHeight;
const centreXOf = (layout: Layout, column: number) => layout.minX + (column + 0.5) * layout.cellWidth;
const centreYOf = (layout: Layout, row: number) => layout.minY + (row + 0.5) * layout.cellHeight;

function layOutGrid(areas: Boundary[], cellDegrees: number): Layout | undefined {
  if (areas.length === 0) return undefined;
  let minX = Infinity;
  let minY = Infinity;
  let maxX = -Infinity;
  let maxY = -Infinity;
  const boxes = new Float64Array(areas.length * 4);
  for (let area = 0; area < areas.length; area++) {
    const { minLongitude, minLatitude, maxLongitude, maxLatitude } = areas[area];
    boxes[area * 4] = minLongitude;
    boxes[area * 4 + 1] = minLatitude;
    boxes[area * 4 + 2] = maxLongitude;
    boxes[area * 4 + 3] = maxLatitude;
    minX = Math.min(minX, minLongitude);
    minY = Math.min(minY, minLatitude);
    maxX = Math.max(maxX, maxLongitude);
    maxY = Math.max(maxY, maxLatitude);
  }
  if (!(minX <= maxX && minY <= maxY)) return undefined;

  const width = Math.max(maxX - minX, 1e-6);
  const height = Math.max(maxY - minY, 1e-6);
  // Cells as wide on the ground as they are tall, near enough.
  const squash = Math.max(0.1, Math.cos((((minY + maxY) / 2) * Math.PI) / 180));
  let cellHeight = Math.max(cellDegrees, 1e-6);
  while ((width / (cellHeight / squash)) * (height / cellHeight) > MAX_CELLS_PER_LEVEL) cellHeight *= 1.25;
  const columns = Math.max(1, Math.ceil(width / (cellHeight / squash)));
  const rows = Math.max(1, Math.ceil(height / cellHeight));
  const layout: Layout = {
    minX,
    minY,
    maxX,
    maxY,
    columns,
    rows,
    cellWidth: width / columns,
    cellHeight: height / rows,
    boxes,
    boxCells: new Int32Array(areas.length * 4),
  };
  const { boxCells } = layout;
  for (let area = 0; area < areas.length; area++) {
    const [west, south, east, north] = boxes.subarray(area * 4, area * 4 + 4);
    boxCells[area * 4] = firstIndex((c) => west <= westOf(layout, c) - MARGIN, columns);
    boxCells[area * 4 + 1] = firstIndex((r) => south <= southOf(layout, r) - MARGIN, rows);
    boxCells[area * 4 + 2] = firstIndex((c) => !(east >= westOf(layout, c + 1) + MARGIN), columns) - 1;
    boxCells[area * 4 + 3] = firstIndex((r) => !(north >= southOf(layout, r + 1) + MARGIN), rows) - 1;
  }
  return layout;
}

function cellInsideBox(layout: Layout, cell: number, area: number): boolean {
  const column = cell % layout.columns;
  const row = (cell - column) / layout.columns;
  const { boxCells } = layout;
  return (
    column >= boxCells[area * 4] &&
    row >= boxCells[area * 4 + 1] &&
    column <= boxCells[area * 4 + 2] &&
    row <= boxCells[area * 4 + 3]
  );
}

/**
 * The areas' rings, flattened. Vertex v of a ring is the i end of edge v, whose j end is the vertex
 * before it (the last for the first), exactly as `ringContains` pairs them; so edge and vertex numbers
 * are the same, and a ring's edges are numbered in a run, and areas' rings in input order.
 */
interface Rings {
  vx: Float64Array;
  vy: Float64Array;
  previous: Int32Array;
  next: Int32Array;
  edgeArea: Int32Array;
  edgeRing: Int32Array;
  ringStart: Int32Array;
  ringLength: Int32Array;
  /** Per ring: west, south, east, north of its vertices. */
  ringBoxes: Float64Array;
  polygonFirstRing: Int32Array;
  polygonRingCount: Int32Array;
  areaFirstPolygon: Int32Array;
  areaPolygonCount: Int32Array;
}

function flattenRings(areas: Boundary[]): Rings {
  let polygonCount = 0;
  let ringCount = 0;
  let vertexCount = 0;
  for (const area of areas) {
    for (const polygon of polygonsOf(area.geometry)) {
      polygonCount++;
      ringCount += polygon.length;
      for (const ring of polygon) vertexCount += ring.length;
    }
  }
  const rings: Rings = {
    vx: new Float64Array(vertexCount),
    vy: new Float64Array(vertexCount),
    previous: new Int32Array(vertexCount),
    next: new Int32Array(vertexCount),
    edgeArea: new Int32Array(vertexCount),
    edgeRing: new Int32Array(vertexCount),
    ringStart: new Int32Array(ringCount),
    ringLength: new Int32Array(ringCount),
    ringBoxes: new Float64Array(ringCount * 4),
    polygonFirstRing: new Int32Array(polygonCount),
    polygonRingCount: new Int32Array(polygonCount),
    areaFirstPolygon: new Int32Array(areas.length),
    areaPolygonCount: new Int32Array(areas.length),
  };
  const { vx, vy, previous, next, edgeArea, edgeRing, ringStart, ringLength, ringBoxes } = rings;
  let polygonIndex = 0;
  let ringIndex = 0;
  let v = 0;
  for (let area = 0; area < areas.length; area++) {
    const polygons = polygonsOf(areas[area].geometry);
    rings.areaFirstPolygon[area] = polygonIndex;
    rings.areaPolygonCount[area] = polygons.length;
    for (const polygon of polygons) {
      rings.polygonFirstRing[polygonIndex] = ringIndex;
      rings.polygonRingCount[polygonIndex] = polygon.length;
      polygonIndex++;
      for (const ring of polygon) {
        const start = v;
        const end = start + ring.length;
        ringStart[ringIndex] = start;
        ringLength[ringIndex] = ring.length;
        let west = Infinity;
        let south = Infinity;
        let east = -Infinity;
        let north = -Infinity;
        for (const position of ring) {
          const x = position[0];
          const y = position[1];
          vx[v] = x;
          vy[v] = y;
          edgeArea[v] = area;
          edgeRing[v] = ringIndex;
          previous[v] = v === start ? end - 1 : v - 1;
          next[v] = v === end - 1 ? start : v + 1;
          if (x < west) west = x;
          if (x > east) east = x;
          if (y < south) south = y;
          if (y > north) north = y;
          v++;
        }
        ringBoxes[ringIndex * 4] = west;
        ringBoxes[ringIndex * 4 + 1] = south;
        ringBoxes[ringIndex * 4 + 2] = east;
        ringBoxes[ringIndex * 4 + 3] = north;
        ringIndex++;
      }
    }
  }
  return rings;
}

/** Per cell, the edges whose segment meets the cell's box widened by MARGIN, in edge order. */
interface Touching {
  /** Cell c's edges are `edges[start[c]]` … `edges[start[c + 1] - 1]`. */
  start: Int32Array;
  edges: Int32Array;
  /** The cell of each (edge, cell) pair, unsorted: a list of the border cells, with repeats. */
  cells: IntList;
}

function edgesByCell(rings: Rings, layout: Layout): Touching {
  const { vx, vy, previous } = rings;
  const { minX, minY, maxX, maxY, columns, rows, cellWidth, cellHeight } = layout;
  const cellCount = columns * rows;
  const entryCell = new IntList(vx.length * 3);
  const entryEdge = new IntList(vx.length * 3);
  for (let edge = 0; edge < vx.length; edge++) {
    const xi = vx[edge];
    const yi = vy[edge];
    const xj = vx[previous[edge]];
    const yj = vy[previous[edge]];
    const lowX = Math.min(xi, xj) - MARGIN;
    const highX = Math.max(xi, xj) + MARGIN;
    const lowY = Math.min(yi, yj) - MARGIN;
    const highY = Math.max(yi, yj) + MARGIN;
    if (highX < minX || lowX > maxX || highY < minY || lowY > maxY) continue;
    // The range is found with twice the margin the test below uses, so rounding in the division
    // cannot lose a cell the test would keep.
    const firstColumn = Math.max(0, Math.floor((lowX - MARGIN - minX) / cellWidth));
    const lastColumn = Math.min(columns - 1, Math.floor((highX + MARGIN - minX) / cellWidth));
    const firstRow = Math.max(0, Math.floor((lowY - MARGIN - minY) / cellHeight));
    const lastRow = Math.min(rows - 1, Math.floor((highY + MARGIN - minY) / cellHeight));
    for (let row = firstRow; row <= lastRow; row++) {
      const boxSouth = southOf(layout, row) - MARGIN;
      const boxNorth = southOf(layout, row + 1) + MARGIN;
      if (highY < boxSouth || lowY > boxNorth) continue;
      for (let column = firstColumn; column <= lastColumn; column++) {
        const boxWest = westOf(layout, column) - MARGIN;
        const boxEast = westOf(layout, column + 1) + MARGIN;
        if (highX < boxWest || lowX > boxEast) continue;
        if (!segmentMeetsBox(xi, yi, xj, yj, boxWest, boxSouth, boxEast, boxNorth)) continue;
        entryCell.push(row * columns + column);
        entryEdge.push(edge);
      }
    }
  }
  // A counting sort by cell keeps each cell's edges in edge order: grouped by ring, rings by area.
  const start = new Int32Array(cellCount + 1);
  for (let entry = 0; entry < entryCell.length; entry++) start[entryCell.data[entry] + 1]++;
  for (let cell = 0; cell < cellCount; cell++) start[cell + 1] += start[cell];
  const edges = new Int32Array(entryCell.length);
  const fill = start.slice(0, cellCount);
  for (let entry = 0; entry < entryCell.length; entry++) edges[fill[entryCell.data[entry]]++] = entryEdge.data[entry];
  return { start, edges, cells: entryCell };
}

/**
 * Where each ring crosses each row's centre line, sorted west to east: the x of every crossing the
 * ray casting would test at a cell centre of that row, computed with the same expression.
 */
interface Crossings {
  /** Per ring: its first row with crossings, how many rows follow, and where they are in `rowStart`. */
  firstRow: Int32Array;
  rowCount: Int32Array;
  rowIndex: Int32Array;
  /** Row r of ring g has crossings x[rowStart[i]] … x[rowStart[i + 1] - 1], i = rowIndex[g] + r - firstRow[g]. */
  rowStart: Int32Array;
  x: Float64Array;
}

function rowCrossings(rings: Rings, layout: Layout): Crossings {
  const { vx, vy, previous, ringStart, ringLength } = rings;
  const { minY, rows, cellHeight } = layout;
  const ringCount = ringStart.length;
  const firstRow = new Int32Array(ringCount);
  const rowCount = new Int32Array(ringCount);
  const rowIndex = new Int32Array(ringCount);
  const rowStart = new IntList(ringCount + rows * 4);
  const x = new FloatList(vx.length * 2);
  const crossingRow = new IntList(1024);
  const crossingX = new FloatList(1024);
  const cursor = new IntList(1024);
  for (let ring = 0; ring < ringCount; ring++) {
    crossingRow.length = 0;
    crossingX.length = 0;
    let first = rows;
    let last = -1;
    const start = ringStart[ring];
    for (let edge = start; edge < start + ringLength[ring]; edge++) {
      const xi = vx[edge];
      const yi = vy[edge];
      const xj = vx[previous[edge]];
      const yj = vy[previous[edge]];
      const from = Math.max(0, Math.floor((Math.min(yi, yj) - minY) / cellHeight - 0.5) - 1);
      const to = Math.min(rows - 1, Math.ceil((Math.max(yi, yj) - minY) / cellHeight - 0.5) + 1);
      for (let row = from; row <= to; row++) {
        const y = centreYOf(layout, row);
        if (yi > y !== yj > y) {
          crossingRow.push(row);
          crossingX.push(((xj - xi) * (y - yi)) / (yj - yi) + xi);
          if (row < first) first = row;
          if (row > last) last = row;
        }
      }
    }
    const span = Math.max(0, last - first + 1);
    firstRow[ring] = first;
    rowCount[ring] = span;
    rowIndex[ring] = rowStart.length;
    // A counting sort by row, then an insertion sort within each row's few crossings.
    const index = rowStart.length;
    for (let r = 0; r <= span; r++) rowStart.push(0);
    for (let c = 0; c < crossingRow.length; c++) rowStart.data[index + crossingRow.data[c] - first + 1]++;
    rowStart.data[index] = x.length;
    for (let r = 0; r < span; r++) rowStart.data[index + r + 1] += rowStart.data[index + r];
    cursor.length = 0;
    for (let r = 0; r < span; r++) cursor.push(rowStart.data[index + r]);
    for (let c = 0; c < crossingX.length; c++) x.push(0);
    for (let c = 0; c < crossingRow.length; c++) x.data[cursor.data[crossingRow.data[c] - first]++] = crossingX.data[c];
    for (let r = 0; r < span; r++) {
      const from = rowStart.data[rowIndex[ring] + r];
      const to = rowStart.data[rowIndex[ring] + r + 1];
      for (let c = from + 1; c < to; c++) {
        const value = x.data[c];
        let d = c;
        for (; d > from && x.data[d - 1] > value; d--) x.data[d] = x.data[d - 1];
        x.data[d] = value;
      }
    }
  }
  return { firstRow, rowCount, rowIndex, rowStart: rowStart.toArray(), x: x.toArray() };
}

/** Where the ring's crossings of the row's centre line start in `rowStart`, or -1 if it has none. */
function crossingRowIndex(crossings: Crossings, ring: number, row: number): number {
  const first = crossings.firstRow[ring];
  return row < first || row >= first + crossings.rowCount[ring] ? -1 : crossings.rowIndex[ring] + row - first;
}

/** `ringContains` at the cell's centre, from the row's crossings. */
function ringHoldsCentre(crossings: Crossings, layout: Layout, ring: number, column: number, row: number): boolean {
  const index = crossingRowIndex(crossings, ring, row);
  if (index < 0) return false;
  const centre = centreXOf(layout, column);
  let inside = false;
  for (let c = crossings.rowStart[index]; c < crossings.rowStart[index + 1]; c++)
    if (centre < crossings.x[c]) inside = !inside;
  return inside;
}

/** The first column whose centre is at or east of x. */
function firstColumnFrom(layout: Layout, x: number): number {
  const { columns } = layout;
  let column = Math.min(columns, Math.max(0, Math.ceil((x - layout.minX) / layout.cellWidth - 0.5)));
  while (column > 0 && centreXOf(layout, column - 1) >= x) column--;
  while (column < columns && centreXOf(layout, column) < x) column++;
  return column;
}

interface Interiors {
  /** Per cell: the first area (in input order) that holds it whole, edges apart, or NO_AREA. */
  insideArea: Int32Array;
  /**
   * Further areas that hold a cell (where areas overlap; England's do not), and areas that hold one
   * that pokes out of their bounding box, so that the cell gets an exact test.
   */
  extraCandidates: Map<number, number[]>;
}

/**
 * Cells that no edge of an area touches are wholly in or out of it, as their centre is. A row's
 * crossings pair up into runs of centres inside each outline; holes are taken out of those runs.
 */
function fillInteriors(rings: Rings, layout: Layout, touching: Touching, crossings: Crossings): Interiors {
  const { columns, rows } = layout;
  const { polygonFirstRing, polygonRingCount, areaFirstPolygon, areaPolygonCount, edgeArea } = rings;
  const { boxCells } = layout;
  const insideArea = new Int32Array(columns * rows).fill(NO_AREA);
  const extraCandidates = new Map<number, number[]>();
  const holeMark = new Int32Array(columns);
  let stamp = 0;
  for (let area = 0; area < areaFirstPolygon.length; area++) {
    const [boxWest, boxSouth, boxEast, boxNorth] = boxCells.subarray(area * 4, area * 4 + 4);
    for (let polygon = areaFirstPolygon[area]; polygon < areaFirstPolygon[area] + areaPolygonCount[area]; polygon++) {
      const outline = polygonFirstRing[polygon];
      const holes = polygonRingCount[polygon] - 1;
      const firstRow = crossings.firstRow[outline];
      for (let row = firstRow; row < firstRow + crossings.rowCount[outline]; row++) {
        const rowInBox = row >= boxSouth && row <= boxNorth;
        stamp++;
        for (let hole = outline + 1; hole <= outline + holes; hole++) {
          const index = crossingRowIndex(crossings, hole, row);
          if (index < 0) continue;
          for (let c = crossings.rowStart[index]; c + 1 < crossings.rowStart[index + 1]; c += 2) {
            const end = firstColumnFrom(layout, crossings.x[c + 1]);
            for (let column = firstColumnFrom(layout, crossings.x[c]); column < end; column++) holeMark[column] = stamp;
          }
        }
        const index = crossingRowIndex(crossings, outline, row);
        for (let c = crossings.rowStart[index]; c + 1 < crossings.rowStart[index + 1]; c += 2) {
          const end = firstColumnFrom(layout, crossings.x[c + 1]);
          for (let column = firstColumnFrom(layout, crossings.x[c]); column < end; column++) {
            if (holes > 0 && holeMark[column] === stamp) continue;
            const cell = row * columns + column;
            if (insideArea[cell] === area) continue;
            let touched = false;
            for (let entry = touching.start[cell]; entry < touching.start[cell + 1] && !touched; entry++) {
              touched = edgeArea[touching.edges[entry]] === area;
            }
            if (touched) continue;
            if (insideArea[cell] === NO_AREA && rowInBox && column >= boxWest && column <= boxEast) {
              insideArea[cell] = area;
              continue;
            }
            const list = extraCandidates.get(cell);
            if (list === undefined) extraCandidates.set(cell, [area]);
            else if (!list.includes(area)) list.push(area);
          }
        }
      }
    }
  }
  return { insideArea, extraCandidates };
}

/** Cells that one read answers get their answer; the rest wait for their first lookup. */
function classifyCells(touching: Touching, interiors: Interiors): Int32Array {
  const cells = interiors.insideArea.slice();
  for (let entry = 0; entry < touching.cells.length; entry++) cells[touching.cells.data[entry]] = NOT_COMPILED;
  for (const cell of interiors.extraCandidates.keys()) cells[cell] = NOT_COMPILED;
  return cells;
}

/**
 * Compiles a cell into an area index or NO_AREA where one read answers, else an exact test over each
 * area that could hold a point of the cell, written straight into `program` and wound back when the
 * cell turns out not to need one. The cell being compiled is kept in fields, so that the steps can be
 * methods rather than closures made per cell.
 *
 * Why a cell can keep only the edges that touch it. For a point in the cell, ray casting counts the
 * edges crossing a ray running east. An edge that misses the cell (widened by MARGIN) meets the cell's
 * band of latitudes, if at all, wholly west of the cell, where it never crosses, or wholly east, where
 * it crosses exactly when yi > latitude !== yj > latitude, that is [latitude ≥ yi] XOR [latitude ≥ yj].
 * Along a chain of such eastern edges those terms cancel at every shared vertex, leaving one per end
 * of the chain. An end outside the band is the same for every point of the cell, and so is folded,
 * with everything else that is constant, into a starting parity found by ray casting the cell's
 * centre; an end inside the band is where the chain meets an edge that does touch the cell, and is
 * kept as a FAR_EAST edge starting at that vertex's latitude. What is left is what ray casting would
 * compute, term for term, so points exactly on a border get the same answer too.
 */
class BorderCompiler {
  readonly program = new IntList(1 << 12);
  readonly edges = new FloatList(1 << 12);
  private readonly candidates = new IntList(64);
  private readonly terms = new IntList(64);
  private readonly edgeMark: Int32Array;
  private cell = 0;
  private column = 0;
  private row = 0;
  private firstEntry = 0;
  private lastEntry = 0;
  private x = 0;
  private y = 0;
  private west = 0;
  private east = 0;
  private south = 0;
  private north = 0;
  private parity = false;

  constructor(
    private readonly rings: Rings,
    private readonly layout: Layout,
    private readonly touching: Touching,
    private readonly crossings: Crossings,
    private readonly interiors: Interiors,
  ) {
    this.edgeMark = new Int32Array(rings.vx.length).fill(-1);
  }

  /** The cell's value for `LevelGrid.cells`. */
  compileCell(cell: number): number {
    const { layout, touching, program, edges, candidates, edgeMark } = this;
    const { insideArea, extraCandidates } = this.interiors;
    const { edgeArea } = this.rings;
    const firstEntry = touching.start[cell];
    const lastEntry = touching.start[cell + 1];
    this.cell = cell;
    this.firstEntry = firstEntry;
    this.lastEntry = lastEntry;
    this.column = cell % layout.columns;
    this.row = (cell - this.column) / layout.columns;
    this.x = centreXOf(layout, this.column);
    this.y = centreYOf(layout, this.row);
    this.west = westOf(layout, this.column) - MARGIN;
    this.east = westOf(layout, this.column + 1) + MARGIN;
    this.south = southOf(layout, this.row) - MARGIN;
    this.north = southOf(layout, this.row + 1) + MARGIN;
    for (let entry = firstEntry; entry < lastEntry; entry++) edgeMark[touching.edges[entry]] = cell;

    candidates.length = 0;
    for (let entry = firstEntry; entry < lastEntry; entry++) {
      const area = edgeArea[touching.edges[entry]];
      if (candidates.length === 0 || candidates.data[candidates.length - 1] !== area) candidates.push(area);
    }
    if (insideArea[cell] !== NO_AREA) candidates.push(insideArea[cell]);
    for (const area of extraCandidates.get(cell) ?? []) candidates.push(area);
    // Few enough for an insertion sort; duplicates (from `extraCandidates`) are skipped below.
    for (let i = 1; i < candidates.length; i++) {
      const area = candidates.data[i];
      let j = i;
      for (; j > 0 && candidates.data[j - 1] > area; j--) candidates.data[j] = candidates.data[j - 1];
      candidates.data[j] = area;
    }

    const programStart = program.length;
    const edgesStart = edges.length;
    program.push(0);
    for (let i = 0; i < candidates.length; i++) {
      const area = candidates.data[i];
      if (i > 0 && candidates.data[i - 1] === area) continue;
      if (area === insideArea[cell]) {
        program.push(area);
        program.push(0);
      } else if (!this.compileArea(area)) {
        continue;
      }
      program.data[programStart]++;
    }

    const count = program.data[programStart];
    let value: number;
    if (count === 0) {
      value = NO_AREA;
    } else if (
      count === 1 &&
      program.data[programStart + 2] === 0 &&
      cellInsideBox(layout, cell, program.data[programStart + 1])
    ) {
      value = program.data[programStart + 1];
    } else {
      return -3 - programStart;
    }
    program.length = programStart;
    edges.length = edgesStart;
    return value;
  }

  /** Appends the area's candidate entry; false when no point of the cell can be in it. */
  private compileArea(area: number): boolean {
    const { program, edges, terms } = this;
    const { areaFirstPolygon, areaPolygonCount, polygonFirstRing, polygonRingCount, ringBoxes } = this.rings;
    const areaStart = program.length;
    const areaEdges = edges.length;
    program.push(area);
    program.push(0);
    for (let polygon = areaFirstPolygon[area]; polygon < areaFirstPolygon[area] + areaPolygonCount[area]; polygon++) {
      const outline = polygonFirstRing[polygon];
      // A ring whose box misses the cell has no edge in it and holds none of it: this saves
      // compiling every island of a many-island area for each of its border cells.
      if (
        ringBoxes[outline * 4] > this.east ||
        ringBoxes[outline * 4 + 1] > this.north ||
        ringBoxes[outline * 4 + 2] < this.west ||
        ringBoxes[outline * 4 + 3] < this.south
      ) {
        continue;
      }
      const polygonEdges = edges.length;
      terms.length = 0;
      this.compileRing(outline);
      const outlineConstant = edges.length === polygonEdges;
      if (outlineConstant && !this.parity) continue;
      terms.push(this.parity ? 1 : 0);
      terms.push(polygonEdges);
      terms.push(edges.length);
      let emptied = false;
      for (let hole = outline + 1; hole < outline + polygonRingCount[polygon]; hole++) {
        const from = edges.length;
        this.compileRing(hole);
        if (edges.length === from) {
          if (this.parity) emptied = true;
          continue;
        }
        terms.push(this.parity ? 1 : 0);
        terms.push(from);
        terms.push(edges.length);
      }
      if (emptied) {
        edges.length = polygonEdges;
        continue;
      }
      if (outlineConstant && terms.length === 3) {
        // This polygon holds the whole cell, so the area does, whatever its other polygons do.
        program.length = areaStart + 2;
        program.data[areaStart + 1] = 0;
        edges.length = areaEdges;
        return true;
      }
      program.data[areaStart + 1]++;
      program.push(terms.length / 3);
      for (let term = 0; term < terms.length; term++) program.push(terms.data[term]);
    }
    if (program.data[areaStart + 1] > 0) return true;
    program.length = areaStart;
    edges.length = areaEdges;
    return false;
  }

  /**
   * Appends the edges the ring keeps for this cell and leaves in `parity` its parity before them; a
   * ring that keeps none has that parity everywhere in the cell.
   */
  private compileRing(ring: number): void {
    const { vx, vy, previous, next, edgeRing } = this.rings;
    const { edges: entries } = this.touching;
    this.parity = ringHoldsCentre(this.crossings, this.layout, ring, this.column, this.row);
    for (let entry = this.firstEntry; entry < this.lastEntry; entry++) {
      const edge = entries[entry];
      if (edgeRing[edge] !== ring) continue;
      this.keep(vx[edge], vy[edge], vx[previous[edge]], vy[previous[edge]]);
      if (this.edgeMark[next[edge]] !== this.cell) this.chainEnd(edge);
      if (this.edgeMark[previous[edge]] !== this.cell) this.chainEnd(previous[edge]);
    }
  }

  /** Where a chain of edges east of the cell ends inside its band, the FAR_EAST edge standing for it. */
  private chainEnd(vertex: number): void {
    const x = this.rings.vx[vertex];
    const y = this.rings.vy[vertex];
    if (y >= this.south && y <= this.north && x > this.x) this.keep(FAR_EAST, y, FAR_EAST, FAR_EAST);
  }

  private keep(xi: number, yi: number, xj: number, yj: number): void {
    const { edges } = this;
    edges.push(xi);
    edges.push(yi);
    edges.push(xj);
    edges.push(yj);
    // `parity` started as the centre's answer; take each kept edge's part in that answer back out.
    if (crossesRayEast(xi, yi, xj, yj, this.x, this.y)) this.parity = !this.parity;
  }
}

/** The first of 0 … count - 1 for which the monotone test holds (false … false, true … true), or count. */
function firstIndex(holds: (index: number) => boolean, count: number): number {
  let low = 0;
  let high = count;
  while (low < high) {
    const middle = (low + high) >> 1;
    if (holds(middle)) high = middle;
    else low = middle + 1;
  }
  return low;
}

/** Whether the segment meets the box: it does unless all four corners lie strictly on one side of its line. */
function segmentMeetsBox(
  xi: number,
  yi: number,
  xj: number,
  yj: number,
  west: number,
  south: number,
  east: number,
  north: number,
): boolean {
  if (Math.max(xi, xj) < west || Math.min(xi, xj) > east || Math.max(yi, yj) < south || Math.min(yi, yj) > north)
    return false;
  const dx = xi - xj;
  const dy = yi - yj;
  const a = (west - xj) * dy - (south - yj) * dx;
  const b = (east - xj) * dy - (south - yj) * dx;
  const c = (west - xj) * dy - (north - yj) * dx;
  const d = (east - xj) * dy - (north - yj) * dx;
  return !((a > 0 && b > 0 && c > 0 && d > 0) || (a < 0 && b < 0 && c < 0 && d < 0));
}
