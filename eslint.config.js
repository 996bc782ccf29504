// ESLint flat config. The one project-specific rule: SDKs are imported only in src/providers/ (and the
// simulators/tests that drive real clients), so `checks`, `explain` and offline runs never load one.
import js from '@eslint/js'
import tseslint from 'typescript-eslint'

const SDKS = [
  'node-vault',
  '@aws-sdk/*',
  '@smithy/*',
  '@kubernetes/client-node',
  '@google-cloud/*',
  'google-auth-library',
  '@azure/*',
]

export default tseslint.config(
  { ignores: ['dist/**', 'build/**', 'tmp/**', 'node_modules/**', 'coverage/**'] },
  js.configs.recommended,
  ...tseslint.configs.recommended,
  {
    languageOptions: { globals: { process: 'readonly', console: 'readonly', URL: 'readonly' } },
    rules: {
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_', varsIgnorePattern: '^_' }],
      '@typescript-eslint/consistent-type-imports': ['error', { fixStyle: 'inline-type-imports' }],
    },
  },
  {
    files: ['src/**/*.ts'],
    ignores: ['src/providers/**', 'src/sandbox/**'],
    rules: {
      'no-restricted-imports': [
        'error',
        { patterns: [{ group: SDKS, message: 'SDKs are imported only in src/providers/ (lazily).' }] },
      ],
    },
  },
  {
    files: ['src/providers/**/*.ts'],
    rules: {
      // Static imports of an SDK would load it at startup; use `import type` plus a dynamic import().
      'no-restricted-imports': [
        'error',
        {
          patterns: [
            { group: SDKS, allowTypeImports: true, message: 'Load SDKs with a dynamic import() on first use.' },
          ],
        },
      ],
    },
  },
  {
    files: ['**/*.mjs', '**/*.js', '**/*.cjs'],
    languageOptions: {
      globals: {
        process: 'readonly',
        console: 'readonly',
        globalThis: 'readonly',
        setTimeout: 'readonly',
        clearTimeout: 'readonly',
        performance: 'readonly',
      },
    },
  },
  {
    // The single executable's entry is CommonJS: Node's SEA runs its main script as CJS.
    files: ['**/*.cjs'],
    languageOptions: { sourceType: 'commonjs', globals: { require: 'readonly', __dirname: 'readonly', Buffer: 'readonly' } },
    // __VERSION__, __HASH__ and __ASSETS__ are filled in by scripts/sea.mjs before the build.
    rules: { '@typescript-eslint/no-require-imports': 'off' },
  },
  {
    files: ['scripts/sea-main.cjs'],
    languageOptions: { globals: { __VERSION__: 'readonly', __HASH__: 'readonly', __ASSETS__: 'readonly' } },
  },
)
