// Builds the GOV.UK Frontend styles for a council service: GOV.UK's own typeface (GDS Transport) is
// for GOV.UK alone, so services elsewhere set their own font. Runs after `npm install` and `npm ci`.
import { mkdirSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import * as sass from 'sass';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const output = path.join(root, 'src/web/public/build/govuk-frontend.css');

const started = performance.now();
const result = sass.compileString(
  `
  @use "govuk-frontend/dist/govuk" with (
    $govuk-font-family: (arial, sans-serif),
    $govuk-assets-path: "/assets/"
  );
  `,
  {
    loadPaths: [path.join(root, 'node_modules')],
    style: 'compressed',
    quietDeps: true,
    silenceDeprecations: ['import'],
  },
);
mkdirSync(path.dirname(output), { recursive: true });
writeFileSync(output, result.css);
console.log(
  `Built ${path.relative(root, output)} (${Math.round(result.css.length / 1024)} KB) in ${Math.round(performance.now() - started)} ms`,
);
