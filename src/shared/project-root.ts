import { existsSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

/**
 * The project's own folder, found from this file whether it runs as TypeScript from src/ or compiled
 * from dist/: templates, styles and data stay where they are in the repository and are read from here.
 */
function findProjectRoot(): string {
  let folder = path.dirname(fileURLToPath(import.meta.url));
  while (!existsSync(path.join(folder, 'package.json'))) {
    const parent = path.dirname(folder);
    if (parent === folder) throw new Error('Cannot find the project folder (no package.json above this file)');
    folder = parent;
  }
  return folder;
}

export const projectRoot = findProjectRoot();
/** Templates (.njk) and public files live beside the TypeScript source, and are not compiled. */
export const sourceFolder = path.join(projectRoot, 'src');
