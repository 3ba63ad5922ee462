import { readFileSync } from 'node:fs'
import { join, resolve } from 'node:path'
import ts from 'typescript'
import { describe, expect, it } from 'vitest'
import {
  createTrustedSenderCheck,
  isLoopbackHttpUrl,
  isTrustedAppUrl,
  resolveRendererUrl,
} from '#desktop/app-url'
import { buildContentSecurityPolicy, withContentSecurityPolicy } from '#desktop/csp'
import {
  HARDENED_WEB_PREFERENCES,
  isNavigationAllowed,
  isPermissionAllowed,
} from '#desktop/web-policy'
import { CONTENT_SECURITY_POLICY } from '#server/security-headers'

const root = resolve(__dirname, '../../..')

const FILE_APP = 'file:///opt/threateye/out/renderer/index.html'
const DEV_APP = 'http://localhost:5173/'

describe('isTrustedAppUrl with the built renderer (file://)', () => {
  it('trusts the app page itself, with any hash or query', () => {
    expect(isTrustedAppUrl(FILE_APP, FILE_APP)).toBe(true)
    expect(isTrustedAppUrl(`${FILE_APP}#/indicators?q=1`, FILE_APP)).toBe(true)
    expect(isTrustedAppUrl(`${FILE_APP}?x=1`, FILE_APP)).toBe(true)
  })

  it('does not trust other local files, even next to the app', () => {
    expect(isTrustedAppUrl('file:///opt/threateye/out/renderer/other.html', FILE_APP)).toBe(false)
    expect(isTrustedAppUrl('file:///home/analyst/Downloads/feed.html', FILE_APP)).toBe(false)
    expect(isTrustedAppUrl('file:///opt/threateye/out/renderer/index.html.evil', FILE_APP)).toBe(
      false,
    )
  })

  it('normalises dot segments before comparing, so ../ tricks cannot reach the app path from elsewhere', () => {
    expect(isTrustedAppUrl('file:///opt/threateye/out/renderer/x/../index.html', FILE_APP)).toBe(
      true,
    )
    expect(
      isTrustedAppUrl(
        'file:///tmp/../opt/threateye/out/renderer/%2e%2e/renderer/index.html',
        FILE_APP,
      ),
    ).toBe(true)
    expect(isTrustedAppUrl('file:///opt/threateye/out/renderer/../index.html', FILE_APP)).toBe(
      false,
    )
  })

  it('does not trust a file on another host (UNC-style file://host/...)', () => {
    expect(
      isTrustedAppUrl('file://evil.example/opt/threateye/out/renderer/index.html', FILE_APP),
    ).toBe(false)
  })

  it('does not trust other schemes or garbage', () => {
    for (const url of [
      'http://localhost:5173/',
      'https://example.com/index.html',
      'data:text/html,<script>alert(1)</script>',
      'about:blank',
      'blob:file:///1234',
      'javascript:alert(1)',
      'not a url',
      '',
      undefined,
      null,
    ]) {
      expect(isTrustedAppUrl(url, FILE_APP), String(url)).toBe(false)
    }
  })
})

describe('isTrustedAppUrl with the dev server (http://localhost)', () => {
  it('trusts any path on the same origin', () => {
    expect(isTrustedAppUrl('http://localhost:5173/', DEV_APP)).toBe(true)
    expect(isTrustedAppUrl('http://localhost:5173/src/main.tsx', DEV_APP)).toBe(true)
  })

  it('does not trust another port, host, or scheme', () => {
    expect(isTrustedAppUrl('http://localhost:5174/', DEV_APP)).toBe(false)
    expect(isTrustedAppUrl('http://127.0.0.1:5173/', DEV_APP)).toBe(false)
    expect(isTrustedAppUrl('https://localhost:5173/', DEV_APP)).toBe(false)
    expect(isTrustedAppUrl('http://localhost:5173.evil.example/', DEV_APP)).toBe(false)
    expect(isTrustedAppUrl('http://localhost:5173@evil.example/', DEV_APP)).toBe(false)
  })

  it('trusts nothing when the app URL itself is of an unsupported scheme', () => {
    expect(isTrustedAppUrl('data:text/html,x', 'data:text/html,x')).toBe(false)
    expect(isTrustedAppUrl('about:blank', 'about:blank')).toBe(false)
  })
})

describe('the IPC sender check', () => {
  it('accepts the app frame and refuses every other frame', () => {
    const check = createTrustedSenderCheck(FILE_APP)
    expect(check(`${FILE_APP}#/`)).toBe(true)
    expect(check(undefined)).toBe(false)
    expect(check('https://example.com/')).toBe(false)
    expect(check('about:srcdoc')).toBe(false)
  })
})

describe('resolveRendererUrl', () => {
  const indexFileUrl = FILE_APP

  it('uses the built file when no dev server is set', () => {
    expect(
      resolveRendererUrl({ devServerUrl: undefined, isPackaged: false, indexFileUrl }),
    ).toEqual({
      url: FILE_APP,
      dev: false,
    })
  })

  it('uses a loopback dev server in an unpackaged app', () => {
    expect(resolveRendererUrl({ devServerUrl: DEV_APP, isPackaged: false, indexFileUrl })).toEqual({
      url: DEV_APP,
      dev: true,
    })
    expect(
      resolveRendererUrl({ devServerUrl: 'http://[::1]:5173/', isPackaged: false, indexFileUrl })
        .dev,
    ).toBe(true)
  })

  it('ignores the dev server variable in a packaged app', () => {
    expect(resolveRendererUrl({ devServerUrl: DEV_APP, isPackaged: true, indexFileUrl }).url).toBe(
      FILE_APP,
    )
  })

  it('refuses to point the privileged window at a non-loopback or non-http URL', () => {
    for (const devServerUrl of [
      'https://evil.example/',
      'file:///tmp/x.html',
      'http://10.0.0.5:5173/',
      'nonsense',
    ]) {
      expect(
        resolveRendererUrl({ devServerUrl, isPackaged: false, indexFileUrl }).url,
        devServerUrl,
      ).toBe(FILE_APP)
    }
  })

  it('recognises loopback URLs only', () => {
    expect(isLoopbackHttpUrl('http://127.0.0.1:1/')).toBe(true)
    expect(isLoopbackHttpUrl('http://localhost.evil.example/')).toBe(false)
    expect(isLoopbackHttpUrl('ws://localhost/')).toBe(false)
  })
})

describe('navigation and permission policy', () => {
  it('allows navigation only within the app', () => {
    expect(isNavigationAllowed(`${FILE_APP}#/feeds`, FILE_APP)).toBe(true)
    expect(isNavigationAllowed('https://attacker.example/', FILE_APP)).toBe(false)
    expect(isNavigationAllowed('file:///etc/passwd', FILE_APP)).toBe(false)
  })

  it('refuses every permission except clipboard writes from the app page', () => {
    for (const permission of [
      'media',
      'geolocation',
      'notifications',
      'openExternal',
      'clipboard-read',
      'unknown',
    ]) {
      expect(isPermissionAllowed(permission, FILE_APP, FILE_APP), permission).toBe(false)
    }
    expect(isPermissionAllowed('clipboard-sanitized-write', FILE_APP, FILE_APP)).toBe(true)
    expect(
      isPermissionAllowed('clipboard-sanitized-write', 'https://attacker.example/', FILE_APP),
    ).toBe(false)
    expect(isPermissionAllowed('clipboard-sanitized-write', undefined, FILE_APP)).toBe(false)
  })

  it('keeps the page away from Node in the window preferences', () => {
    expect(HARDENED_WEB_PREFERENCES).toEqual({
      contextIsolation: true,
      nodeIntegration: false,
      nodeIntegrationInWorker: false,
      nodeIntegrationInSubFrames: false,
      sandbox: true,
      webSecurity: true,
      allowRunningInsecureContent: false,
      webviewTag: false,
      experimentalFeatures: false,
      navigateOnDragDrop: false,
      spellcheck: false,
      disableBlinkFeatures: 'Auxclick',
    })
  })

  it('creates the window with exactly those preferences, written out where Electronegativity reads them', () => {
    expect(webPreferencesLiteral(join(root, 'src/main/desktop/window.ts'))).toEqual({
      preload: 'page.preload',
      ...HARDENED_WEB_PREFERENCES,
    })
  })
})

/**
 * The `webPreferences` object literal of the one `new BrowserWindow({...})` in a source file, as plain values
 * (a non-literal value is given as its source text). window.ts imports electron, so it is read, not run.
 */
const webPreferencesLiteral = (file: string): Record<string, unknown> => {
  const source = ts.createSourceFile(file, readFileSync(file, 'utf8'), ts.ScriptTarget.Latest, true)
  const found: ts.ObjectLiteralExpression[] = []
  const visit = (node: ts.Node): void => {
    if (
      ts.isNewExpression(node) &&
      node.expression.getText(source) === 'BrowserWindow' &&
      node.arguments?.[0] &&
      ts.isObjectLiteralExpression(node.arguments[0])
    ) {
      for (const p of node.arguments[0].properties) {
        if (!ts.isPropertyAssignment(p) || p.name.getText(source) !== 'webPreferences') continue
        let value: ts.Expression = p.initializer
        while (ts.isSatisfiesExpression(value) || ts.isAsExpression(value)) value = value.expression
        if (ts.isObjectLiteralExpression(value)) found.push(value)
      }
    }
    ts.forEachChild(node, visit)
  }
  visit(source)
  expect(found, 'one new BrowserWindow with a literal webPreferences').toHaveLength(1)
  const out: Record<string, unknown> = {}
  for (const p of found[0]?.properties ?? []) {
    if (!ts.isPropertyAssignment(p)) throw new Error(`not a plain property: ${p.getText(source)}`)
    const v = p.initializer
    out[p.name.getText(source)] =
      v.kind === ts.SyntaxKind.TrueKeyword
        ? true
        : v.kind === ts.SyntaxKind.FalseKeyword
          ? false
          : ts.isStringLiteral(v)
            ? v.text
            : v.getText(source)
  }
  return out
}

const directives = (csp: string): Map<string, string[]> =>
  new Map(
    csp.split(';').map((d) => {
      const [name = '', ...values] = d.trim().split(/\s+/)
      return [name, values]
    }),
  )

describe('buildContentSecurityPolicy', () => {
  it('production: nothing inline or evaluated for scripts, nothing from elsewhere', () => {
    const d = directives(buildContentSecurityPolicy())
    expect(d.get('default-src')).toEqual(["'none'"])
    expect(d.get('script-src')).toEqual(["'self'"])
    expect(d.get('connect-src')).toEqual(["'self'"])
    expect(d.get('object-src')).toEqual(["'none'"])
    expect(d.get('base-uri')).toEqual(["'none'"])
    expect(d.get('form-action')).toEqual(["'none'"])
    expect(d.get('frame-ancestors')).toEqual(["'none'"])
    expect(d.get('frame-src')).toEqual(["'none'"])
    const all = [...d.values()].flat()
    expect(all).not.toContain("'unsafe-eval'")
    expect(all.some((v) => v === '*' || v === 'http:' || v === 'https:')).toBe(false)
  })

  it('development: only what the Vite dev server needs, on its own origin', () => {
    const d = directives(buildContentSecurityPolicy({ devServerUrl: 'http://localhost:5173/' }))
    expect(d.get('script-src')).toEqual(["'self'", "'unsafe-inline'"])
    expect(d.get('connect-src')).toEqual(["'self'", 'ws://localhost:5173'])
    expect(d.get('default-src')).toEqual(["'none'"])
  })

  it('replaces any Content-Security-Policy header the server sent, whatever its spelling', () => {
    const out = withContentSecurityPolicy(
      {
        'content-security-policy': ['default-src *'],
        'CONTENT-SECURITY-POLICY': ['x'],
        'Content-Type': ['text/html'],
      },
      "default-src 'none'",
    )
    expect(out).toEqual({
      'Content-Type': ['text/html'],
      'Content-Security-Policy': ["default-src 'none'"],
    })
    expect(withContentSecurityPolicy(undefined, 'a')).toEqual({ 'Content-Security-Policy': ['a'] })
  })
})

/** Every Content-Security-Policy the app ships: the desktop's header, the server's header, the page's <meta>. */
const metaPolicy = (): string => {
  const html = readFileSync(join(root, 'src/renderer/index.html'), 'utf8')
  const m = /<meta\s+http-equiv="Content-Security-Policy"\s+content="([^"]*)"/i.exec(html)
  if (!m?.[1]) throw new Error('src/renderer/index.html has no Content-Security-Policy <meta>')
  return m[1]
}

describe('the page policies agree', () => {
  it("the <meta> of index.html is the desktop's production policy, less what a <meta> may not carry", () => {
    const desktop = directives(buildContentSecurityPolicy())
    desktop.delete('frame-ancestors')
    expect(directives(metaPolicy())).toEqual(desktop)
  })

  it.each([
    ['desktop header', () => buildContentSecurityPolicy()],
    ['desktop header (dev server)', () => buildContentSecurityPolicy({ devServerUrl: DEV_APP })],
    ['server header', () => CONTENT_SECURITY_POLICY],
    ['index.html <meta>', metaPolicy],
  ])('%s: no plugins, no <base>, no form posts, scripts only from the app', (_name, policy) => {
    const d = directives(policy())
    expect(d.get('object-src')).toEqual(["'none'"])
    expect(d.get('base-uri')).toEqual(["'none'"])
    expect(d.get('form-action')).toEqual(["'none'"])
    expect(d.get('script-src')?.[0]).toBe("'self'")
    expect(d.get('script-src')).not.toContain("'unsafe-eval'")
  })
})
