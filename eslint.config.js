// ESLint 9 flat config: typescript-eslint's recommended rules, type-aware (the project's tsconfig.check.json),
// plus the floating-promise checks (a forgotten await in a service is a silent bug). Formatting is prettier's job.
import js from '@eslint/js';
import tseslint from 'typescript-eslint';

export default tseslint.config(
  { ignores: ['node_modules/', '**/dist/', 'coverage/', '.data/', 'examples/generated/', 'test/fixtures/', 'migrations/'] },
  js.configs.recommended,
  ...tseslint.configs.recommended,
  {
    files: ['**/*.ts'],
    languageOptions: {
      parserOptions: { project: './tsconfig.check.json', tsconfigRootDir: import.meta.dirname },
    },
    rules: {
      '@typescript-eslint/no-floating-promises': 'error',
      '@typescript-eslint/no-misused-promises': ['error', { checksVoidReturn: false }],
      // `any` is used deliberately at the edges (GraphQL resolvers, test clients); strict mode catches the rest
      '@typescript-eslint/no-explicit-any': 'off',
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_', varsIgnorePattern: '^_', caughtErrors: 'none', ignoreRestSiblings: true }],
      'no-empty': ['error', { allowEmptyCatch: true }],
    },
  },
  {
    // the reference portal is browser code with its own tsconfig (DOM types)
    files: ['examples/portal/**/*.ts'],
    languageOptions: { parserOptions: { project: './examples/portal/tsconfig.json', tsconfigRootDir: import.meta.dirname } },
  },
  {
    // tests send deliberately imprecise JSON numbers to check they are refused
    files: ['test/**/*.ts'],
    rules: { 'no-loss-of-precision': 'off' },
  },
  {
    files: ['**/*.js', '**/*.cjs', '**/*.mjs'],
    languageOptions: { globals: { module: 'writable', require: 'readonly', process: 'readonly', console: 'readonly' } },
  },
);
