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
// IP host (the lists hold names only: cleanHost drops the few addresses) nor shorteners (one benign host
// in the data). Three host features are left out on purpose: subdomainDepth, hostLength and urlLength.
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

/** ROC AUC by ranks (ties share their average rank): the chance a phishing host outscores a benign one. */
const rocAuc = (scores: number[], labels: (0 | 1)[]): number => {
  const order = scores.map((s, i) => ({ s, l: labels[i] })).sort((a, b) => a.s - b.s)
  let rankSumPos = 0
  for (let i = 0; i < order.length;) {
    let j = i
    while (j < order.length && order[j].s === order[i].s) j++
    const avgRank = (i + 1 + j) / 2
    for (let k = i; k < j; k++) if (order[k].l === 1) rankSumPos += avgRank
    i = j
  }
  const pos = labels.filter((l) => l === 1).length
  const neg = labels.length - pos
  return (rankSumPos - (pos * (pos + 1)) / 2) / (pos * neg)
}

const round = (n: number, digits = 6): number => Number(n.toFixed(digits))

const evaluate = (scores: number[], labels: (0 | 1)[], cut: number): Record<string, number> => {
  let tp = 0
  let fp = 0
  let tn = 0
  let fn = 0
  scores.forEach((s, i) => {
    const predicted = s >= cut
    if (predicted && labels[i] === 1) tp++
    else if (predicted) fp++
    else if (labels[i] === 1) fn++
    else tn++
  })
  const recall = tp / (tp + fn)
  const fpr = fp / (fp + tn)
  return {
    examples: labels.length,
    phishing: tp + fn,
    benign: fp + tn,
    truePositives: tp,
    falsePositives: fp,
    trueNegatives: tn,
    falseNegatives: fn,
    precision: round(tp / (tp + fp), 4),
    recall: round(recall, 4),
    falsePositiveRate: round(fpr, 4),
    // What precision would be if phishing and benign URLs came in equal numbers: the held-out set is
    // mostly phishing, which flatters plain precision.
    precisionAtEqualPrevalence: round(recall / (recall + fpr), 4),
    rocAuc: round(rocAuc(scores, labels), 4),
  }
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
