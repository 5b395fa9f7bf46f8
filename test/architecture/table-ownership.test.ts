import { readdirSync, readFileSync, statSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { readableByEveryModule, tableOwners } from '../../src/db/table-owners.js';

const root = path.resolve(import.meta.dirname, '../..');
const modulesFolder = path.join(root, 'src/modules');
const tables = new Set(Object.keys(tableOwners));

/** Every source file of a module, tests left out: what the running platform does. */
function sourceFiles(folder: string): string[] {
  return readdirSync(folder).flatMap((name) => {
    const file = path.join(folder, name);
    if (statSync(file).isDirectory()) return sourceFiles(file);
    return file.endsWith('.ts') && !file.endsWith('.test.ts') ? [file] : [];
  });
}

interface TableUse {
  file: string;
  line: number;
  table: string;
  writes: boolean;
}

// Kysely's own calls name their table first: selectFrom('cases'), innerJoin('staff_directory as s', …).
const kyselyCall =
  /\b(selectFrom|insertInto|updateTable|deleteFrom|mergeInto|innerJoin|leftJoin|rightJoin|fullJoin)\(\s*'([a-z_0-9]+)/g;
// Raw SQL in sql`…` templates: from / join / into / update followed by a table's name.
const rawSql = /\b(from|join|into|update)\s+([a-z_0-9]+)\b/gi;
const writingCalls = new Set(['insertInto', 'updateTable', 'deleteFrom', 'mergeInto', 'into', 'update']);

export function tableUses(file: string): TableUse[] {
  const text = readFileSync(file, 'utf8');
  const lineOf = (index: number) => text.slice(0, index).split('\n').length;
  const uses: TableUse[] = [];
  for (const match of text.matchAll(kyselyCall)) {
    uses.push({ file, line: lineOf(match.index), table: match[2], writes: writingCalls.has(match[1]) });
  }
  for (const template of text.matchAll(/sql`([^`]*)`/g)) {
    for (const match of template[1].matchAll(rawSql)) {
      if (tables.has(match[2]))
        uses.push({
          file,
          line: lineOf(template.index + match.index),
          table: match[2],
          writes: writingCalls.has(match[1].toLowerCase()),
        });
    }
  }
  return uses;
}

describe('table ownership', () => {
  const modules = readdirSync(modulesFolder).filter((name) => statSync(path.join(modulesFolder, name)).isDirectory());
  const uses = modules.flatMap((module) =>
    sourceFiles(path.join(modulesFolder, module)).flatMap((file) => tableUses(file).map((use) => ({ ...use, module }))),
  );

  it('finds the tables the modules use (the scan is not blind)', () => {
    expect(uses.length).toBeGreaterThan(100);
    expect(uses.some((use) => use.module === 'cases' && use.table === 'cases' && use.writes)).toBe(true);
  });

  it('knows the owner of every table a module names', () => {
    const unknown = uses
      .filter((use) => !tables.has(use.table))
      .map((use) => `${path.relative(root, use.file)}:${use.line} ${use.table}`);
    expect(unknown).toEqual([]);
  });

  it('lets a module write only its own tables', () => {
    const foreign = uses.filter(
      (use) => use.writes && tableOwners[use.table as keyof typeof tableOwners] !== use.module,
    );
    expect(
      foreign.map(
        (use) =>
          `${path.relative(root, use.file)}:${use.line} writes ${use.table}, which is ${tableOwners[use.table as keyof typeof tableOwners]}'s`,
      ),
    ).toEqual([]);
  });

  it('lets a module read only its own tables and the few every module may read', () => {
    const foreign = uses.filter(
      (use) =>
        !use.writes &&
        tableOwners[use.table as keyof typeof tableOwners] !== use.module &&
        !readableByEveryModule.has(use.table as keyof typeof tableOwners),
    );
    expect(
      foreign.map(
        (use) =>
          `${path.relative(root, use.file)}:${use.line} reads ${use.table}, which is ${tableOwners[use.table as keyof typeof tableOwners]}'s`,
      ),
    ).toEqual([]);
  });

  it('is shown in docs/architecture.md, table by table, with the same owners', () => {
    const documented = new Map<string, string>();
    for (const match of readFileSync(path.join(root, 'docs/architecture.md'), 'utf8').matchAll(
      /^\| `([a-z_0-9]+)` \| ([a-z]+) \|/gm,
    ))
      documented.set(match[1], match[2]);
    expect(Object.fromEntries(documented)).toEqual(
      Object.fromEntries(Object.entries(tableOwners).sort(([a], [b]) => a.localeCompare(b))),
    );
  });
});
