import { createHash } from 'node:crypto';
import { readFile } from 'node:fs/promises';
import path from 'node:path';
import { projectRoot } from '../../shared/project-root.js';
import { parse } from 'csv-parse/sync';

/** The project's own data folder, found from this file so the working directory does not matter. */
export const dataDirectory = path.join(projectRoot, 'data');

export function dataPath(...parts: string[]): string {
  return path.join(dataDirectory, ...parts);
}

export async function readDataFile(relativePath: string): Promise<string> {
  return readFile(dataPath(relativePath), 'utf8');
}

export function checksumOf(...contents: string[]): string {
  const hash = createHash('sha256');
  for (const content of contents) hash.update(content);
  return hash.digest('hex');
}

export function parseCsv(content: string): Record<string, string>[] {
  return parse(content, { columns: true, skip_empty_lines: true, trim: true });
}
