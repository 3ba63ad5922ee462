// Held-out figures for `npm run train:url-model`: confusion counts at a cut, precision, recall, false-positive
// rate and ROC AUC. Kept apart from the training script so they are tested on their own.

/** ROC AUC by ranks (ties share their average rank): the chance a phishing host outscores a benign one. */
export const rocAuc = (scores: number[], labels: (0 | 1)[]): number => {
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

export const round = (n: number, digits = 6): number => Number(n.toFixed(digits))

export const evaluate = (
  scores: number[],
  labels: (0 | 1)[],
  cut: number,
): Record<string, number> => {
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
