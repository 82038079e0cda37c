import js from '@eslint/js';
import tseslint from 'typescript-eslint';

export default tseslint.config(
  { ignores: ['dist/**', 'dist-test/**', 'node_modules/**', '.vscode-test/**', '.vscode-test-env/**'] },
  js.configs.recommended,
  ...tseslint.configs.recommended,
  {
    files: ['**/*.ts'],
    rules: {
      '@typescript-eslint/consistent-type-imports': 'error',
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_', varsIgnorePattern: '^_' }],
      'no-restricted-exports': ['error', { restrictDefaultExports: { direct: true, named: true } }],
    },
  },
  {
    // The domain, storage, scheduler and usage layers run in plain node (CLI, unit tests).
    files: [
      'src/core/**',
      'src/storage/**',
      'src/scheduler/**',
      'src/usage/**',
      'src/cli/**',
      'src/githubActions/**',
      'src/boot/codeCache.ts',
      'src/boot/cliEntry.ts',
    ],
    rules: {
      'no-restricted-imports': [
        'error',
        { paths: [{ name: 'vscode', message: 'This layer must not depend on VS Code.' }] },
      ],
    },
  },
  {
    // The GitHub Actions generator is pure like src/core; only repositoryExport.ts touches files.
    files: ['src/core/**', 'src/githubActions/**'],
    ignores: ['src/githubActions/repositoryExport.ts'],
    rules: {
      'no-restricted-imports': [
        'error',
        {
          paths: ['vscode', 'fs', 'node:fs', 'child_process', 'node:child_process', 'path', 'node:path'].map(
            (name) => ({
              name,
              message: 'src/core is pure: no I/O.',
            }),
          ),
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
        require: 'readonly',
        module: 'writable',
        __dirname: 'readonly',
        setTimeout: 'readonly',
        clearTimeout: 'readonly',
        URL: 'readonly',
        Buffer: 'readonly',
        fetch: 'readonly',
        setInterval: 'readonly',
        clearInterval: 'readonly',
        exports: 'writable',
      },
    },
    rules: { '@typescript-eslint/no-require-imports': 'off' },
  },
);
