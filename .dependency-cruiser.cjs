/**
 * The import rules CI checks (`npm run check:imports`): no cycles, and no module reaching into
 * another module's storage. See docs/architecture.md for the layout these rules keep.
 * Type-only imports count too (`tsPreCompilationDeps`): a cycle of types is still a knot to untie.
 */
/** @type {import('dependency-cruiser').IConfiguration} */
module.exports = {
  forbidden: [
    {
      name: 'no-cycles',
      severity: 'error',
      comment: 'Files import in one direction only: a cycle means two files that cannot be understood apart.',
      from: {},
      to: { circular: true },
    },
    {
      name: 'no-other-modules-storage',
      severity: 'error',
      comment:
        'A module reads and writes only its own tables: another module gets what it needs through a function of that module (a port), never its repository.',
      from: { path: '^src/modules/([^/]+)/' },
      to: { path: 'repository[.]ts$', pathNot: '^src/modules/$1/' },
    },
    {
      name: 'modules-not-from-the-app',
      severity: 'error',
      comment:
        'Modules are given what they need by app.ts; they never import the composition root or the entry points.',
      from: { path: '^src/(modules|shared|web|db)/' },
      to: { path: '^src/(app|main)\\.ts$|^src/(cli|worker)/' },
    },
    {
      name: 'shared-kernel-depends-on-no-module',
      severity: 'error',
      comment: 'src/shared is the kernel every module may use: it imports no module.',
      from: { path: '^src/shared/' },
      to: { path: '^src/modules/' },
    },
  ],
  options: {
    doNotFollow: { path: 'node_modules' },
    exclude: { path: '^(node_modules|dist)/' },
    tsPreCompilationDeps: true,
    tsConfig: { fileName: 'tsconfig.json' },
    enhancedResolveOptions: { extensions: ['.ts', '.js'], conditionNames: ['import', 'require', 'node', 'default'] },
  },
};
