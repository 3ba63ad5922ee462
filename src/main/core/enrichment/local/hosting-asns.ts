import { existsSync, readFileSync, statSync } from 'node:fs'
import { dirname, join } from 'node:path'
import { z } from 'zod'
import { AppError } from '#shared/contract/errors'

/**
 * The curated list of hosting and bulletproof ASNs (resources/enrichment/hosting-asns.json; its `about`
 * says how it is curated), plus the analyst's own additions in `<dataDir>/enrichment/hosting-asns.json`,
 * whose entries replace built-in ones of the same ASN.
 */

export const HostingAsnSchema = z.strictObject({
  asn: z.number().int().min(1).max(4_294_967_295),
  name: z.string().min(1).max(200),
  kind: z.enum(['hosting', 'bulletproof']),
  /** A public reference: sanctions, published research, Spamhaus ASN-DROP, the network's own record. */
  source: z.string().min(1).max(1000),
  note: z.string().max(1000).default(''),
})
export type HostingAsn = z.infer<typeof HostingAsnSchema>

const HostingFileSchema = z.object({
  about: z.union([z.string(), z.array(z.string())]).optional(),
  entries: z.array(HostingAsnSchema).max(100_000),
})

const BUILTIN_FILE = join('resources', 'enrichment', 'hosting-asns.json')

/**
 * `resources/enrichment/hosting-asns.json` at the app root, found by walking up from this module as the
 * built-in warninglists are (it runs from src/main/core/enrichment/local, out/main or app.asar/out/main).
 */
export const builtinHostingFile = (from: string = __dirname): string => {
  let dir = from
  for (let up = 0; up < 7; up++) {
    const candidate = join(dir, BUILTIN_FILE)
    try {
      if (statSync(candidate).isFile()) return candidate
    } catch {
      // not at this level
    }
    dir = dirname(dir)
  }
  throw new AppError(
    'not_found',
    `the hosting ASN list (${BUILTIN_FILE}) was not found above ${from}`,
  )
}

export const userHostingFile = (dataDir: string): string =>
  join(dataDir, 'enrichment', 'hosting-asns.json')

/** Reads one list file; an error names the file and the entry (by position) and its field. */
export const readHostingFile = (file: string): HostingAsn[] => {
  let doc: unknown
  try {
    doc = JSON.parse(readFileSync(file, 'utf8'))
  } catch (e) {
    throw new AppError('invalid_input', `${file}: not readable JSON (${String(e)})`, { file })
  }
  const parsed = HostingFileSchema.safeParse(doc)
  if (!parsed.success) {
    const issue = parsed.error.issues[0]
    const where = issue?.path.join('.') ?? ''
    throw new AppError('invalid_input', `${file}: ${where}: ${issue?.message ?? 'invalid'}`, {
      file,
      field: where,
    })
  }
  return parsed.data.entries
}

export type HostingList = {
  get(asn: number): HostingAsn | undefined
  size: number
  /** The files read, for source(). */
  files: string[]
}

/** The built-in list and, when present, the analyst's file (a broken one is reported, not fatal). */
export const loadHostingList = (
  dataDir: string,
  onUserFileError: (e: unknown) => void,
  builtin: string = builtinHostingFile(),
): HostingList => {
  const map = new Map<number, HostingAsn>()
  for (const e of readHostingFile(builtin)) map.set(e.asn, e)
  const files = [builtin]
  const user = userHostingFile(dataDir)
  if (existsSync(user)) {
    try {
      for (const e of readHostingFile(user)) map.set(e.asn, e)
      files.push(user)
    } catch (e) {
      onUserFileError(e)
    }
  }
  return { get: (asn) => map.get(asn), size: map.size, files }
}
