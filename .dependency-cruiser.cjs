/**
 * Module boundaries, checked in `npm test` (test/platform/boundaries.test.ts) and `npm run check:boundaries`.
 *
 * - A module imports another module only through its `contract.ts`; tables, services, schemas and the rest are
 *   internal. The composition root (src/app.ts, src/services.ts) wires modules through their `index.ts`.
 * - Dependencies point one way: platform <- onboarding <- organisation <- {policy, target} <- incentive <- evaluation.
 *   A module may import the contracts of modules on a lower layer only. integration knows no domain module (it hears
 *   them through platform events). A new module declares its layer in LAYERS below; layers are compared as numbers,
 *   so a fractional layer (organisation 1.5) slots a module between two existing ones without renumbering.
 * - src/platform never imports a module.
 * SQL naming another module's tables is checked by scripts/check-sql-boundaries.ts.
 */
const LAYERS = {
  onboarding: 1,
  organisation: 1.5,
  policy: 2,
  target: 2,
  incentive: 3,
  evaluation: 4,
  analytics: 5,
  orders: 3.5,
  integration: 0,
};

const names = Object.keys(LAYERS);
const layerRules = names.map((m) => {
  const forbidden = names.filter((o) => o !== m && (m === 'integration' || o === 'integration' || LAYERS[o] >= LAYERS[m]));
  return {
    name: `layer-${m}`,
    severity: 'error',
    comment: `${m} (layer ${LAYERS[m]}) may import only the contracts of modules on a lower layer (${names.filter((o) => o !== m && !forbidden.includes(o)).join(', ') || 'none'})`,
    from: { path: `^src/modules/${m}/` },
    to: { path: forbidden.length ? `^src/modules/(${forbidden.join('|')})/` : '^$' },
  };
});

module.exports = {
  forbidden: [
    {
      name: 'module-internals',
      severity: 'error',
      comment: "another module's internals (tables, services, schemas, rules...): import its contract.ts, or add what you need to it",
      from: { path: '^src/modules/([^/]+)/' },
      to: { path: '^src/modules/', pathNot: ['^src/modules/$1/', '^src/modules/[^/]+/contract\\.ts$'] },
    },
    ...layerRules,
    {
      name: 'module-without-layer',
      severity: 'error',
      comment: 'a new module declares its layer in LAYERS of .dependency-cruiser.cjs',
      from: { path: `^src/modules/(?!(${names.join('|')})/)` },
      to: { path: '^src/' },
    },
    {
      name: 'platform-imports-module',
      severity: 'error',
      comment: 'src/platform is below every module: it never imports one (modules register with it instead)',
      from: { path: '^src/platform/' },
      to: { path: '^src/modules/' },
    },
    {
      name: 'no-circular',
      severity: 'error',
      comment: 'circular imports (type-only imports excepted: they vanish at run time)',
      from: { path: '^src/' },
      to: { circular: true, viaOnly: { dependencyTypesNot: ['type-only'] } },
    },
  ],
  options: {
    doNotFollow: { path: 'node_modules' },
    exclude: { path: '(^|/)node_modules/' },
    tsPreCompilationDeps: true,
    tsConfig: { fileName: 'tsconfig.json' },
    enhancedResolveOptions: { extensions: ['.ts', '.js'] },
  },
};
