import { spawn } from 'node:child_process'
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs'
import { createRequire } from 'node:module'
import { tmpdir } from 'node:os'
import { join, resolve } from 'node:path'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { pngSize, upscalePng } from '../../../scripts/icon-upscale'

// electron-builder.yml checked with electron-builder itself (its loader, schema validation and file matcher),
// offline, so a broken packaging config fails here rather than on a release machine. Building real packages
// needs the Electron binary, which `npm run dist` must refuse to work without: the last tests check that.

const root = resolve(__dirname, '../../..')
const configFile = join(root, 'electron-builder.yml')

type TargetList = { target?: string[] }
type BuilderConfig = {
  appId?: string
  productName?: string
  icon?: string
  files?: unknown
  asar?: boolean
  asarUnpack?: unknown
  npmRebuild?: boolean
  directories?: { output?: string; buildResources?: string }
  linux?: TargetList
  win?: TargetList
  mac?: TargetList
  electronFuses?: Record<string, boolean> | null
  [key: string]: unknown
}
type ConfigModule = {
  getConfig: (projectDir: string, configPath: string | null) => Promise<BuilderConfig>
  validateConfiguration: (
    config: BuilderConfig,
    debugLogger: { isEnabled: boolean; add: (key: string, value: unknown) => void },
  ) => Promise<void>
}
type Filter = (file: string, stat: { isDirectory: () => boolean }) => boolean
type FileMatcher = { patterns: string[]; createFilter: () => Filter }
type FileMatcherModule = {
  getFileMatchers: (
    config: BuilderConfig,
    name: 'files' | 'asarUnpack',
    defaultDestination: string,
    options: {
      macroExpander: (pattern: string) => string
      customBuildOptions: object
      globalOutDir: string
      defaultSrc: string
    },
  ) => FileMatcher[] | null
}

// app-builder-lib is electron-builder's engine; resolved through electron-builder so the two always match.
const fromBuilder = createRequire(
  createRequire(join(root, 'package.json')).resolve('electron-builder/package.json'),
)
const { getConfig, validateConfiguration } = fromBuilder(
  'app-builder-lib/out/util/config/config.js',
) as ConfigModule
const { getFileMatchers } = fromBuilder('app-builder-lib/out/fileMatcher.js') as FileMatcherModule
// The packager that flips the fuses, and the fuse library it flips them with (one of its own dependencies).
type FuseConfig = Record<string, unknown>
const { PlatformPackager } = fromBuilder('app-builder-lib') as {
  PlatformPackager: {
    prototype: { generateFuseConfig: (fuses: Record<string, boolean>) => Promise<FuseConfig> }
  }
}
const { FuseV1Options } = createRequire(fromBuilder.resolve('app-builder-lib/package.json'))(
  '@electron/fuses',
) as { FuseV1Options: Record<string, number> }
const wire = (name: string): string => {
  const index = FuseV1Options[name]
  if (index === undefined) throw new Error(`@electron/fuses has no fuse ${name}`)
  return String(index)
}
const quietLogger = { isEnabled: false, add: () => undefined }

/** The patterns of `name` as electron-builder reads them, and its test of a project file against them. */
const matcher = (name: 'files' | 'asarUnpack') => {
  const matchers = getFileMatchers(config, name, '/app', {
    macroExpander: (p) => p,
    customBuildOptions: {},
    globalOutDir: join(root, 'release'),
    defaultSrc: root,
  })
  expect(matchers, `${name} names no patterns`).toHaveLength(1)
  const [only] = matchers ?? []
  if (!only) throw new Error(`${name} names no patterns`)
  const filter = only.createFilter()
  return {
    patterns: only.patterns,
    includes: (relativePath: string) =>
      filter(join(root, relativePath), { isDirectory: () => false }),
  }
}

let config: BuilderConfig
beforeAll(async () => {
  config = await getConfig(root, configFile)
})

describe('electron-builder.yml', () => {
  it("passes electron-builder's own validation, which does reject an unknown option", async () => {
    await expect(validateConfiguration(config, quietLogger)).resolves.toBeUndefined()
    await expect(
      validateConfiguration({ ...config, notAnElectronBuilderOption: true }, quietLogger),
    ).rejects.toThrow(/notAnElectronBuilderOption/)
  })

  it('names the app', () => {
    expect(config.appId).toBe('io.threateye.desktop')
    expect(config.productName).toBe('ThreatEye')
  })

  it('packages the electron-vite build and what it loads at runtime, and nothing of src/ or test/', () => {
    const files = matcher('files')
    for (const file of [
      'out/main/index.js',
      'out/main/cli.js',
      'out/main/bulk-writer.js',
      'out/main/chunks/core-abc123.js',
      'out/preload/index.js',
      'out/renderer/index.html',
      'out/renderer/assets/index-abc123.js',
      // src/main/index.ts loads the window icon from <appRoot>/resources/icon.png.
      'resources/icon.png',
      '.electron-native/better_sqlite3.node',
    ]) {
      expect(files.includes(file), file).toBe(true)
    }
    for (const file of [
      'src/main/index.ts',
      'src/shared/contract/index.ts',
      'src/renderer/index.html',
      'test/integration/desktop/packaging-config.test.ts',
      'test/fixtures/feeds/urlhaus.csv',
      'scripts/dist.mjs',
      'bench/ingest.bench.ts',
      'docs/architecture.md',
      'electron.vite.config.ts',
      // better-sqlite3's Node-ABI build: the packaged app loads the Electron build instead.
      'node_modules/better-sqlite3/build/Release/better_sqlite3.node',
      'node_modules/better-sqlite3/deps/sqlite3/sqlite3.c',
    ]) {
      expect(files.includes(file), file).toBe(false)
    }
    expect(files.patterns.filter((p) => /^(src|test)\//.test(p))).toEqual([])
  })

  it("unpacks the Electron build of better-sqlite3 from the asar, and leaves node_modules' build alone", () => {
    expect(config.asar).toBe(true)
    const unpacked = matcher('asarUnpack')
    expect(unpacked.includes('.electron-native/better_sqlite3.node')).toBe(true)
    expect(unpacked.includes('out/main/index.js')).toBe(false)
    // electron-builder's own rebuild would compile node_modules/better-sqlite3 for Electron in place, replacing
    // the Node build that tests and the CLI load.
    expect(config.npmRebuild).toBe(false)
  })

  it('flips the fuses that would let someone run other code as this app', async () => {
    expect(config.electronFuses).toEqual({
      runAsNode: false,
      enableNodeOptionsEnvironmentVariable: false,
      enableNodeCliInspectArguments: false,
      enableCookieEncryption: true,
      enableEmbeddedAsarIntegrityValidation: true,
      onlyLoadAppFromAsar: true,
    })
    // What electron-builder hands @electron/fuses for this config, wire by wire. Its generateFuseConfig uses no
    // packager state, so it is called on the prototype; the file:// privileges are left at Electron's default.
    const wires = await PlatformPackager.prototype.generateFuseConfig.call(
      null,
      config.electronFuses ?? {},
    )
    expect(wires).toMatchObject({
      [wire('RunAsNode')]: false,
      [wire('EnableNodeOptionsEnvironmentVariable')]: false,
      [wire('EnableNodeCliInspectArguments')]: false,
      [wire('EnableCookieEncryption')]: true,
      [wire('EnableEmbeddedAsarIntegrityValidation')]: true,
      [wire('OnlyLoadAppFromAsar')]: true,
    })
    expect(wires).not.toHaveProperty(wire('GrantFileProtocolExtraPrivileges'))
  })

  it('targets AppImage and deb, NSIS and dmg', () => {
    expect(config.linux?.target).toEqual(expect.arrayContaining(['AppImage', 'deb']))
    expect(config.win?.target).toEqual(['nsis'])
    expect(config.mac?.target).toEqual(['dmg'])
  })

  it('names an icon that exists and is large enough for every target', () => {
    expect(config.icon).toBeDefined()
    const file = join(root, config.icon ?? '')
    expect(existsSync(file)).toBe(true)
    const png = readFileSync(file)
    // Windows' ico needs 256x256; macOS's icns needs 512x512, which `npm run dist` makes from this file.
    expect(pngSize(png, file)).toEqual({ width: 256, height: 256 })
    const big = upscalePng(png, 2, file)
    expect(pngSize(big)).toEqual({ width: 512, height: 512 })
    // Decoding the result again proves it is a well-formed PNG (chunks, CRCs, filters, compressed data).
    expect(pngSize(upscalePng(big, 1, 'enlarged icon'))).toEqual({ width: 512, height: 512 })
    expect(existsSync(join(root, config.directories?.buildResources ?? 'missing'))).toBe(true)
  })
})

const runDist = (args: string[], env: Record<string, string>) =>
  new Promise<{ code: number | null; stdout: string; stderr: string }>((done) => {
    const child = spawn('npm', ['run', '--silent', 'dist', '--', ...args], {
      cwd: root,
      env: { ...process.env, ...env },
    })
    let stdout = ''
    let stderr = ''
    child.stdout.on('data', (c: Buffer) => (stdout += c.toString()))
    child.stderr.on('data', (c: Buffer) => (stderr += c.toString()))
    child.on('close', (code) => done({ code, stdout, stderr }))
  })

describe('npm run dist without the Electron binary', () => {
  let emptyDist: string
  beforeAll(() => {
    emptyDist = mkdtempSync(join(tmpdir(), 'te-no-electron-'))
  })
  afterAll(() => rmSync(emptyDist, { recursive: true, force: true }))

  it('says what is missing, why and how to get it, and stops before building or downloading', async () => {
    const electronVersion = (
      JSON.parse(readFileSync(join(root, 'node_modules/electron/package.json'), 'utf8')) as {
        version: string
      }
    ).version
    // ELECTRON_OVERRIDE_DIST_PATH is Electron's own "the binary is here" variable: an empty directory hides
    // the binary on any machine, whether or not node_modules/electron/dist holds one.
    const result = await runDist([], { ELECTRON_OVERRIDE_DIST_PATH: emptyDist })
    expect(result.code).toBe(1)
    expect(result.stderr).toContain(`The Electron ${electronVersion} binary is not available`)
    expect(result.stderr).toContain(emptyDist)
    expect(result.stderr).toContain('needs internet access')
    expect(result.stderr).toContain('npx install-electron')
    expect(result.stderr).toContain('Nothing was built or downloaded.')
    // Neither the build nor electron-builder ran.
    expect(result.stdout).not.toMatch(/electron-vite build|electron-builder/)
    expect(result.stderr).not.toMatch(/loaded configuration|downloading/i)
  })

  it("refuses another OS's package, because the native module is built for this one", async () => {
    const foreign = process.platform === 'darwin' ? '--win' : '--mac'
    const result = await runDist([foreign], { ELECTRON_OVERRIDE_DIST_PATH: emptyDist })
    expect(result.code).toBe(1)
    expect(result.stderr).toMatch(/package cannot be built on/)
    expect(result.stderr).toContain('npm run rebuild:electron && npm run dist')
  })
})
