// Lint for the whole repository: typescript-eslint's recommended rules (syntax only,
// no type information, so `npm run lint` stays a few seconds), browser globals for the
// pages under src/web, Node globals elsewhere. Import boundaries (layers, cycles) are
// dependency-cruiser's job: see .dependency-cruiser.cjs.
import js from '@eslint/js';
import globals from 'globals';
import tseslint from 'typescript-eslint';

export default tseslint.config(
  { ignores: ['dist/', 'node_modules/', 'test-results/', 'data/', 'scratch/'] },
  js.configs.recommended,
  ...tseslint.configs.recommended,
  {
    languageOptions: { globals: globals.node },
    rules: {
      // The API refuses control characters at several boundaries (text fields, AMI
      // fields, secrets): the patterns that find them are exactly what this rule flags.
      'no-control-regex': 'off',
      // `_`-prefixed names are deliberately unused (a handler's unused argument, a
      // destructured field left out of a copy).
      '@typescript-eslint/no-unused-vars': [
        'error',
        { argsIgnorePattern: '^_', varsIgnorePattern: '^_', caughtErrorsIgnorePattern: '^_', ignoreRestSiblings: true },
      ],
    },
  },
  {
    files: ['src/web/**/*.js'],
    languageOptions: { globals: globals.browser },
  },
);
