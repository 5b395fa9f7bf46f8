/** The results file and the printed table. */
import { mkdirSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { projectRoot } from './processes.js';

export interface ResultRow {
  /** Which goal of issue 7 the row checks (1–10, in the order of bench/README.md). */
  goal_id: number;
  path: string;
  value: number | null;
  unit: string;
  baseline: number | null;
  baseline_name: string | null;
  /** value / baseline, where both are known. */
  ratio: number | null;
  /** How the table shows the ratio: a share of the baseline, or a multiple of it. */
  ratio_as?: 'percent' | 'times';
  goal: string;
  met: boolean | null;
  p50: number | null;
  p99: number | null;
  /** Anything else the row's figure rests on: errors, non-2xx answers, the scale, the other half of a goal. */
  detail?: Record<string, unknown>;
}

export function machineInfo(extra: Record<string, unknown>): Record<string, unknown> {
  const cpus = os.cpus();
  return {
    cpus: cpus.length,
    model: cpus[0]?.model ?? 'unknown',
    memory_bytes: os.totalmem(),
    memory: `${(os.totalmem() / 2 ** 30).toFixed(1)} GiB`,
    node: process.version,
    os: `${os.type()} ${os.release()} ${os.arch()}`,
    load_average_at_start: os.loadavg().map((value) => Number(value.toFixed(2))),
    ...extra,
  };
}

export function writeResults(file: string, document: unknown): string {
  const target = path.join(projectRoot, 'bench/results', file);
  mkdirSync(path.dirname(target), { recursive: true });
  writeFileSync(target, `${JSON.stringify(document, null, 2)}\n`);
  return target;
}

function formatNumber(value: number | null, unit = ''): string {
  if (value === null || !Number.isFinite(value)) return '–';
  const digits = Math.abs(value) >= 100 ? 0 : Math.abs(value) >= 10 ? 1 : 2;
  const text = value.toLocaleString('en-GB', { maximumFractionDigits: digits, minimumFractionDigits: 0 });
  return unit ? `${text} ${unit}` : text;
}

function formatRatio(row: ResultRow): string {
  if (row.ratio === null) return '–';
  return row.ratio_as === 'percent' ? `${(row.ratio * 100).toFixed(1)}%` : `${row.ratio.toFixed(2)}×`;
}

/** A Markdown table: the same one printed at the end of a run and pasted into bench/README.md. */
export function resultTable(rows: ResultRow[]): string {
  const header = ['#', 'path', 'value', 'baseline', 'ratio', 'p50 ms', 'p99 ms', 'goal', 'met'];
  const lines = rows.map((row) => [
    String(row.goal_id),
    row.path,
    formatNumber(row.value, row.unit),
    row.baseline === null
      ? '–'
      : `${formatNumber(row.baseline, row.unit === 'ratio' ? '' : row.unit)}${row.baseline_name ? ` (${row.baseline_name})` : ''}`,
    formatRatio(row),
    formatNumber(row.p50),
    formatNumber(row.p99),
    row.goal,
    row.met === null ? 'report' : row.met ? 'yes' : '**no**',
  ]);
  const all = [header, ...lines];
  const widths = header.map((_, column) => Math.max(...all.map((line) => line[column].length)));
  const render = (line: string[]) => `| ${line.map((cell, column) => cell.padEnd(widths[column])).join(' | ')} |`;
  return [render(header), `|${widths.map((width) => '-'.repeat(width + 2)).join('|')}|`, ...lines.map(render)].join(
    '\n',
  );
}
