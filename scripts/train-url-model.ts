// `npm run train:url-model`: trains the URL model shipped in src/main/core/analysis/url/url-model.json.
// Logistic regression, full-batch gradient descent on standardised features, class-balanced, L2. No
// randomness: the split hashes each host's registered domain, so re-running on the same node_modules
// writes the same file. Data and its limits: scripts/url-model-data.ts and the README's "URL analysis model".

import { createHash } from 'node:crypto'
import { writeFileSync } from 'node:fs'
import { join } from 'node:path'
import { format } from 'prettier'
import { linkScore } from '#core/analysis/url/link-score'
import { registeredDomain } from '#core/analysis/url/registered-domain'
import { extractUrlFeatures, type UrlFeatureName } from '#core/analysis/url/url-features'
import { loadUrlModel, predictUrl, type UrlModel } from '#core/analysis/url/url-model'
import { LINK_SCORE_THRESHOLD } from '#core/analysis/url/url-severity'
import { collectDataset } from './url-model-data'
import { evaluate, round } from './url-model-metrics'

const MODEL_NAME = 'threateye-url-logreg'
const MODEL_VERSION = '1.0.0'
const SPLIT_SEED = 'threateye-url-model-v1'
const TEST_SHARE = 0.2
const ITERATIONS = 4000
const LEARNING_RATE = 0.5
const L2 = 1e-3
const THRESHOLD = 0.5

// The data are host names, so every training URL is `https://<host>/`: path, query, port, scheme and
// `@` features are constant there and the model cannot learn them (the link score covers them), nor the
// IP host (the lists hold names only: cleanHost drops the few addresses) nor shorteners (all but
// absent from the data). Three host features are left out on purpose: subdomainDepth, hostLength and urlLength.
// The phishing list holds mostly bare registered domains while the benign links name docs.x, www.x and
// api.x, so the number and total length of labels would be learned as signs of safety: an artefact of
// how the lists were written, not of phishing (longestHostLabel keeps what length does tell).
const MODEL_FEATURES: readonly UrlFeatureName[] = [
  'hostEntropy',
  'hostDigitRatio',
  'hostHyphens',
  'longestHostLabel',
  'punycode',
  'mixedScriptHost',
  'suspiciousTld',
  'suspiciousWordsInHost',
  'brandLookalike',
  'brandHomoglyph',
  'brandInSubdomain',
]

type Row = { host: string; label: 0 | 1; x: number[]; test: boolean }

const inTestSet = (host: string): boolean => {
  const digest = createHash('sha256')
    .update(`${SPLIT_SEED}:${registeredDomain(host)}`)
    .digest()
  return digest.readUInt32BE(0) / 2 ** 32 < TEST_SHARE
}

const sigmoid = (z: number): number =>
  z >= 0 ? 1 / (1 + Math.exp(-z)) : Math.exp(z) / (1 + Math.exp(z))

const standardisation = (rows: Row[]): { mean: number[]; scale: number[] } => {
  const d = MODEL_FEATURES.length
  const mean = new Array<number>(d).fill(0)
  const scale = new Array<number>(d).fill(0)
  for (const r of rows) for (let j = 0; j < d; j++) mean[j] += r.x[j] / rows.length
  for (const r of rows)
    for (let j = 0; j < d; j++) scale[j] += (r.x[j] - mean[j]) ** 2 / rows.length
  return { mean, scale: scale.map((v) => (v > 0 ? Math.sqrt(v) : 1)) }
}

const train = (rows: Row[], mean: number[], scale: number[]): { w: number[]; b: number } => {
  const d = MODEL_FEATURES.length
  const z = rows.map((r) => r.x.map((v, j) => (v - mean[j]) / scale[j]))
  const positives = rows.filter((r) => r.label === 1).length
  // Balanced class weights: each class carries half the loss whatever its size.
  const classWeight = [rows.length / (2 * (rows.length - positives)), rows.length / (2 * positives)]
  const w = new Array<number>(d).fill(0)
  let b = 0
  for (let it = 0; it < ITERATIONS; it++) {
    const gw = w.map((wj) => L2 * wj)
    let gb = 0
    for (let i = 0; i < rows.length; i++) {
      let logit = b
      for (let j = 0; j < d; j++) logit += w[j] * z[i][j]
      const err = (classWeight[rows[i].label] * (sigmoid(logit) - rows[i].label)) / rows.length
      for (let j = 0; j < d; j++) gw[j] += err * z[i][j]
      gb += err
    }
    for (let j = 0; j < d; j++) w[j] -= LEARNING_RATE * gw[j]
    b -= LEARNING_RATE * gb
  }
  return { w, b }
}

const main = async (): Promise<void> => {
  const root = process.cwd()
  const { rows: labelled, description } = collectDataset(root, registeredDomain)
  const rows: Row[] = labelled.map(({ host, label }) => {
    const { features } = extractUrlFeatures(`https://${host}/`)
    return { host, label, x: MODEL_FEATURES.map((f) => features[f]), test: inTestSet(host) }
  })
  const trainRows = rows.filter((r) => !r.test)
  const testRows = rows.filter((r) => r.test)
  const { mean, scale } = standardisation(trainRows)
  const { w, b } = train(trainRows, mean, scale)
  const draft: UrlModel = {
    name: MODEL_NAME,
    version: MODEL_VERSION,
    kind: 'logistic-regression',
    threshold: THRESHOLD,
    intercept: round(b),
    features: MODEL_FEATURES.map((name, j) => ({
      name,
      mean: round(mean[j]),
      scale: round(scale[j]),
      weight: round(w[j]),
    })),
    training: {},
    metrics: {},
  }
  // Scored with the rounded weights through the app's own code path, so the figures are the shipped model's.
  const model = loadUrlModel(draft)
  const score = (rs: Row[]): number[] =>
    rs.map((r) => predictUrl(model, extractUrlFeatures(`https://${r.host}/`).features).probability)
  const heuristic = (rs: Row[]): number[] =>
    rs.map((r) => linkScore(extractUrlFeatures(`https://${r.host}/`).features).score)
  const labels = (rs: Row[]): (0 | 1)[] => rs.map((r) => r.label)
  const shipped: UrlModel = {
    ...model,
    training: {
      script: 'scripts/train-url-model.ts (npm run train:url-model)',
      data: description,
      urls: 'https://<host>/ for every host: the lists hold host names, not full URLs',
      split: `${Math.round((1 - TEST_SHARE) * 100)}/${Math.round(TEST_SHARE * 100)} by registered domain, sha256('${SPLIT_SEED}:' + domain)`,
      trainExamples: trainRows.length,
      heldOutExamples: testRows.length,
      method: `gradient descent, ${ITERATIONS} iterations, learning rate ${LEARNING_RATE}, L2 ${L2}, balanced class weights`,
    },
    metrics: {
      heldOut: evaluate(score(testRows), labels(testRows), THRESHOLD),
      train: evaluate(score(trainRows), labels(trainRows), THRESHOLD),
      heldOutLinkScore: evaluate(heuristic(testRows), labels(testRows), LINK_SCORE_THRESHOLD),
    },
  }
  const path = join(root, 'src/main/core/analysis/url/url-model.json')
  writeFileSync(path, await format(JSON.stringify(shipped), { parser: 'json', printWidth: 100 }))
  const rowsOut = shipped.features.map(
    (f) => `  ${f.name.padEnd(24)} ${String(f.weight).padStart(10)}`,
  )
  console.log(`wrote ${path}\nweights:\n${rowsOut.join('\n')}`)
  console.log(JSON.stringify(shipped.metrics))
}

main().catch((e: unknown) => {
  process.stderr.write(`${e instanceof Error ? (e.stack ?? e.message) : String(e)}\n`)
  process.exitCode = 1
})
