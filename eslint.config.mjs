import js from '@eslint/js';
import tseslint from 'typescript-eslint';

// Packages that do I/O (or run outside the workflow sandbox): neither workflows nor pure rules import them.
const IO_PACKAGES = [
  '@prisma/*',
  'axios',
  'fastify',
  'pg',
  'pino',
  'node:*',
  'fs',
  'path',
  'crypto',
  '@temporalio/client',
  '@temporalio/worker',
  '@temporalio/activity',
];

export default tseslint.config(
  { ignores: ['dist/**', 'node_modules/**', 'src/generated/**', 'data/**', 'coverage/**', 'bench/results/**'] },
  js.configs.recommended,
  ...tseslint.configs.recommended,
  {
    languageOptions: { parserOptions: { projectService: false } },
    rules: {
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_', varsIgnorePattern: '^_' }],
      '@typescript-eslint/consistent-type-imports': ['error', { fixStyle: 'inline-type-imports' }],
      'no-console': 'off',
    },
  },
  {
    // Workflows run in Temporal's deterministic sandbox: they import the workflow-safe module, pure sync rules,
    // activity types and each other, nothing with I/O or wall-clock.
    files: ['workflows/**/*.ts'],
    rules: {
      '@typescript-eslint/no-restricted-imports': [
        'error',
        {
          patterns: [
            {
              group: [
                '**/src/**',
                '!**/src/sync',
                '!**/src/sync/**',
                '!**/src/workflow-safe',
                '!**/src/workflow-safe/**',
              ],
              message: 'Workflows import only src/workflow-safe, pure src/sync and activity types.',
            },
            {
              group: ['**/activities', '**/activities/**'],
              allowTypeImports: true,
              message: 'Workflows import activity types only.',
            },
            {
              group: IO_PACKAGES,
              message: 'Workflows must not import I/O modules.',
            },
          ],
        },
      ],
    },
  },
  {
    // Pure rules: no I/O, no store, no HubSpot client, no Temporal client (workflows import them).
    files: ['src/sync/**/*.ts', 'src/workflow-safe/**/*.ts'],
    rules: {
      'no-restricted-imports': [
        'error',
        {
          patterns: [
            {
              group: [
                '**/store',
                '**/store/**',
                '**/hubspot',
                '**/hubspot/**',
                '**/temporal/**',
                '**/inbound/**',
                '**/outbound/**',
                '**/scheduled/**',
                '**/http/**',
                '**/activities/**',
                '**/workflows/**',
              ],
              message: 'src/sync and src/workflow-safe are pure: they import nothing with I/O.',
            },
            {
              group: [...IO_PACKAGES, '@temporalio/workflow'],
              message: 'src/sync and src/workflow-safe are pure: they import nothing with I/O.',
            },
          ],
        },
      ],
    },
  },
  {
    files: ['**/*.cjs', 'scripts/**/*.js', 'jest.config.js'],
    languageOptions: {
      sourceType: 'commonjs',
      globals: {
        require: 'readonly',
        module: 'writable',
        process: 'readonly',
        __dirname: 'readonly',
        console: 'readonly',
        URL: 'readonly',
        global: 'writable',
      },
    },
    rules: { '@typescript-eslint/no-require-imports': 'off' },
  },
);
