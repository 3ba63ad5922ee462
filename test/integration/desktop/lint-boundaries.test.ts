import { resolve } from 'node:path'
import { ESLint } from 'eslint'
import tseslint from 'typescript-eslint'
import { beforeAll, describe, expect, it } from 'vitest'

/**
 * The runtime boundaries of docs/architecture.md are lint errors. These snippets are linted with the project's
 * own eslint.config.mjs as if they lived at the given paths (type-aware rules off: the files do not exist, and
 * the boundary rules do not need types).
 */
const root = resolve(__dirname, '../../..')
let eslint: ESLint

beforeAll(() => {
  eslint = new ESLint({ cwd: root, overrideConfig: tseslint.configs.disableTypeChecked })
})

type Finding = { rule: string | null; line: number; message: string }

const lint = async (file: string, code: string): Promise<Finding[]> => {
  const [result] = await eslint.lintText(code, { filePath: resolve(root, file) })
  if (!result) throw new Error(`no lint result for ${file}`)
  return result.messages.map((m) => ({ rule: m.ruleId, line: m.line, message: m.message }))
}

/** Lines (1-based) flagged by the given rule. */
const flagged = (findings: Finding[], rule: string) =>
  findings
    .filter((f) => f.rule === rule)
    .map((f) => f.line)
    .sort((a, b) => a - b)

const lines = (...l: string[]) => l.join('\n') + '\n'

describe('import boundaries', () => {
  it('src/shared may not import Node, Electron, server libraries, main, preload or renderer code', async () => {
    const findings = await lint(
      'src/shared/domain/probe.ts',
      lines(
        "import { readFileSync } from 'node:fs'", //                    1
        "import fs from 'fs'", //                                       2
        "import { join } from 'path'", //                               3
        "import { spawn } from 'child_process'", //                     4
        "import Database from 'better-sqlite3'", //                     5
        "import { DataSource } from 'typeorm'", //                      6
        "import Fastify from 'fastify'", //                             7
        "import { request } from 'undici'", //                          8
        "import { ipcRenderer } from 'electron'", //                    9
        "import { createCore } from '#core'", //                         10
        "import { x } from '../../preload/index'", //                   11
        "import { App } from '../../renderer/src/app'", //              12
        "import { z } from 'zod'", //                                   13 allowed
        "import { toASCII } from './punycode'", //                      14 allowed: a sibling named like a Node module
        "import { AppError } from '../contract/errors'", //             15 allowed
        'export const all = [readFileSync, fs, join, spawn, Database, DataSource, Fastify, request, ipcRenderer, createCore, x, App, z, toASCII, AppError]',
      ),
    )
    expect(flagged(findings, 'no-restricted-imports')).toEqual([
      1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12,
    ])
    const messages = findings
      .filter((f) => f.rule === 'no-restricted-imports')
      .map((f) => f.message)
    expect(messages[0]).toMatch(/Node built-ins are not available here/)
    expect(messages[8]).toMatch(/Electron may be imported only in/)
  })

  it('src/shared and src/main may not touch window or document', async () => {
    const shared = await lint(
      'src/shared/probe.ts',
      lines('export const a = window.location.href', 'export const b = document.title'),
    )
    expect(flagged(shared, 'no-restricted-globals')).toEqual([1, 2])
    const main = await lint(
      'src/main/core/feeds/probe.ts',
      lines('export const a = window.location.href', 'export const b = document.title'),
    )
    expect(flagged(main, 'no-restricted-globals')).toEqual([1, 2])
  })

  it('src/renderer may not import Node, Electron, server libraries, main or preload code', async () => {
    const findings = await lint(
      'src/renderer/src/views/probe.tsx',
      lines(
        "import path from 'node:path'", //                               1
        "import { readFile } from 'fs/promises'", //                     2
        "import Fastify from 'fastify'", //                              3
        "import { request } from 'undici'", //                           4
        "import { DataSource } from 'typeorm'", //                       5
        "import { shell } from 'electron'", //                           6
        "import { createCore } from '../../../main/core'", //            7
        "import { bridge } from '../../../preload/index'", //            8
        "import { z } from 'zod'", //                                    9 allowed
        "import type { Bridge } from '../../../shared/bridge'", //       10 allowed
        "import { useStore } from '../stores/ui.store'", //              11 allowed
        'export const all: unknown[] = [path, readFile, Fastify, request, DataSource, shell, createCore, bridge, z, useStore]',
        'export type B = Bridge',
        'export const hasBridge = () => window.bridge !== undefined',
      ),
    )
    expect(flagged(findings, 'no-restricted-imports')).toEqual([1, 2, 3, 4, 5, 6, 7, 8])
    expect(flagged(findings, 'no-restricted-globals')).toEqual([])
  })

  it('src/main may use Node and the database but not Electron or renderer code (outside desktop/)', async () => {
    const findings = await lint(
      'src/main/core/feeds/probe.ts',
      lines(
        "import { readFileSync } from 'node:fs'", //                     1 allowed
        "import { DataSource } from 'typeorm'", //                       2 allowed
        "import Fastify from 'fastify'", //                              3 allowed
        "import { app } from 'electron'", //                             4
        "import { App } from '../../renderer/src/app'", //               5
        "import { bridge } from '../../preload/index'", //               6
        "import { createEventHub } from '../events/event-hub'", //        7 allowed: core's own folder named like a Node module
        "import { x } from '../../../../src/shared/domain'", //            8
        'export const all = [readFileSync, DataSource, Fastify, app, App, bridge, createEventHub, x]',
      ),
    )
    expect(flagged(findings, 'no-restricted-imports')).toEqual([4, 5, 6, 8])
  })

  it('core/ imports no transport; desktop/, server/ and cli/ reach the core only through #core', async () => {
    const core = await lint(
      'src/main/core/indicators/probe.ts',
      lines(
        "import { createHttpServer } from '#server/server'", //           1
        "import { runCli } from '../../cli/run'", //                      2
        "import { createWindow } from '#desktop/window'", //              3
        "import { openDatabase } from '../db/data-source'", //            4 allowed
        "import { AppError } from '#shared/contract'", //                 5 allowed
        "import { x } from '#core/db/write-queue'", //                    6 allowed inside the core
        'export const all = [createHttpServer, runCli, createWindow, openDatabase, AppError, x]',
      ),
    )
    expect(flagged(core, 'no-restricted-imports')).toEqual([1, 2, 3])
    for (const file of [
      'src/main/server/probe.ts',
      'src/main/cli/probe.ts',
      'src/main/desktop/probe.ts',
    ]) {
      const shell = await lint(
        file,
        lines(
          "import { createCore } from '#core'", //                         1 allowed
          "import { openDatabase } from '#core/db/data-source'", //        2
          "import { createLogger } from '../core/platform/logger'", //      3
          'export const all = [createCore, openDatabase, createLogger]',
        ),
      )
      expect(flagged(shell, 'no-restricted-imports'), file).toEqual([2, 3])
    }
    const entry = await lint(
      'src/main/index.ts',
      lines("import { createCore } from './core/create-core'", 'export const c = createCore'),
    )
    expect(flagged(entry, 'no-restricted-imports')).toEqual([1])
  })

  it('Electron is allowed in src/main/index.ts, src/main/desktop/ and src/preload/ only', async () => {
    const code = lines("import { app } from 'electron'", 'export const a = app')
    expect(flagged(await lint('src/main/index.ts', code), 'no-restricted-imports')).toEqual([])
    expect(flagged(await lint('src/main/desktop/probe.ts', code), 'no-restricted-imports')).toEqual(
      [],
    )
    expect(flagged(await lint('src/preload/index.ts', code), 'no-restricted-imports')).toEqual([])
    expect(
      flagged(await lint('src/main/core/create-core.ts', code), 'no-restricted-imports'),
    ).toEqual([1])
    expect(
      flagged(await lint('test/integration/probe.test.ts', code), 'no-restricted-imports'),
    ).toEqual([1])
    expect(flagged(await lint('scripts/probe.mjs', code), 'no-restricted-imports')).toEqual([1])
  })

  it('the sandboxed preload may not import Node built-ins or main-process code', async () => {
    const findings = await lint(
      'src/preload/index.ts',
      lines(
        "import { contextBridge } from 'electron'", //                   1 allowed
        "import { readFileSync } from 'node:fs'", //                     2
        "import { createCore } from '#core'", //                         3
        "import { IPC_INVOKE_CHANNEL } from '../shared/bridge'", //      4 allowed
        'export const all = [contextBridge, readFileSync, createCore, IPC_INVOKE_CHANNEL]',
      ),
    )
    expect(flagged(findings, 'no-restricted-imports')).toEqual([2, 3])
  })

  it('package names that merely start like a restricted one are not caught', async () => {
    const findings = await lint(
      'src/renderer/src/probe.ts',
      lines(
        "import { defineConfig } from 'electron-vite'",
        "import { x } from 'fs-extra-like'",
        'export const all = [defineConfig, x]',
      ),
    )
    expect(flagged(findings, 'no-restricted-imports')).toEqual([])
  })
})

describe('type-aware rules', () => {
  it('flag floating promises and explicit any in real project files', async () => {
    // Full type-aware config, on a path inside tsconfig.node.json's program.
    // typescript-eslint treats CI=true as a single lint run and then reads files from disk, not lintText's
    // source: turn that inference off so this test means the same on a developer's machine and in CI.
    const typed = new ESLint({
      cwd: root,
      overrideConfig: {
        languageOptions: { parserOptions: { disallowAutomaticSingleRunInference: true } },
      },
    })
    const [result] = await typed.lintText(
      lines(
        'const work = async (): Promise<number> => 1',
        'export const run = (): void => {',
        '  work()',
        '}',
        'export const loose = (x: any): unknown => x',
      ),
      { filePath: resolve(root, 'src/main/desktop/app-url.ts') },
    )
    const rules = (result?.messages ?? []).map((m) => m.ruleId)
    expect(rules).toContain('@typescript-eslint/no-floating-promises')
    expect(rules).toContain('@typescript-eslint/no-explicit-any')
  })
})
