// Measures the detector on a labelled set (same `group` = duplicates) exactly as the product scores
// pairs: the in-memory corpus below stands in for the database, nothing else differs.
import { type CombinerModel, fitLogistic, probability, type SignalName } from './combiner.js';
import {
  type ComparableRequest,
  type CorpusStatistics,
  duplicateScore,
  neighbourhood,
  type Neighbourhood,
  profile,
  signals,
  type Signals,
} from './detector.js';
import { comparableText, wordTerms } from './text-features.js';

export interface LabelledRequest extends ComparableRequest {
  group: string;
}

export interface DetectorFigures {
  precision: number;
  recall: number;
  f1: number;
  roc_auc: number;
  top1: number;
  top5: number;
  threshold: number;
  model: string;
  pairs: number;
  duplicatePairs: number;
  requests: number;
}

/** Reads JSONL leniently: unknown fields and enum values are fine, a missing description is empty. */
export function parseLabelledRequests(jsonl: string): Omit<LabelledRequest, 'embedding'>[] {
  return jsonl
    .split('\n')
    .filter((line) => line.trim() !== '')
    .map((line, index) => {
      const row = JSON.parse(line) as Record<string, unknown>;
      const text = (v: unknown) =>
        typeof v === 'string' ? v : typeof v === 'number' || typeof v === 'boolean' ? String(v) : v == null ? '' : JSON.stringify(v);
      return {
        id: text(row.id) || `row-${index + 1}`,
        group: text(row.group) || `row-${index + 1}`,
        title: text(row.title),
        description: text(row.description),
      };
    });
}

export function memoryCorpus(requests: readonly ComparableRequest[]): CorpusStatistics {
  const frequency = new Map<string, number>();
  for (const r of requests) for (const t of new Set(wordTerms(comparableText(r)))) frequency.set(t, (frequency.get(t) ?? 0) + 1);
  return { documents: requests.length, documentFrequency: (t) => frequency.get(t) ?? 0 };
}

/** Every pair's signals and every request's neighbourhood, computed once. */
export function pairSignals(requests: readonly ComparableRequest[]): { signals: Signals[][]; neighbourhoods: Neighbourhood[] } {
  const corpus = memoryCorpus(requests);
  const profiles = requests.map((r) => profile(r, corpus));
  const n = requests.length;
  const matrix: Signals[][] = Array.from({ length: n }, () => new Array<Signals>(n));
  for (let i = 0; i < n; i++) for (let j = i + 1; j < n; j++) matrix[i]![j] = matrix[j]![i] = signals(profiles[i]!, profiles[j]!);
  const neighbourhoods = matrix.map((row, i) => neighbourhood(row.filter((_, j) => j !== i)));
  return { signals: matrix, neighbourhoods };
}

export function evaluateDetector(requests: readonly LabelledRequest[]): DetectorFigures {
  const { signals: pair, neighbourhoods } = pairSignals(requests);
  const n = requests.length;
  const score: number[][] = Array.from({ length: n }, () => new Array<number>(n).fill(-Infinity));
  let model: CombinerModel | null = null;
  for (let i = 0; i < n; i++)
    for (let j = i + 1; j < n; j++) {
      const result = duplicateScore(pair[i]![j]!, neighbourhoods[i]!, neighbourhoods[j]!);
      score[i]![j] = score[j]![i] = result.score;
      model ??= result.model;
    }
  const threshold = model?.threshold ?? 0.5;
  const same = (i: number, j: number) => requests[i]!.group === requests[j]!.group;
  const scoredPairs: { score: number; duplicate: boolean }[] = [];
  for (let i = 0; i < n; i++) for (let j = i + 1; j < n; j++) scoredPairs.push({ score: score[i]![j]!, duplicate: same(i, j) });
  const { top1, top5 } = retrievalHitRates(score, same);
  return {
    ...pairFigures(scoredPairs, threshold),
    roc_auc: rocAuc(scoredPairs),
    top1,
    top5,
    threshold,
    model: model?.name ?? 'none',
    pairs: scoredPairs.length,
    duplicatePairs: scoredPairs.filter((p) => p.duplicate).length,
    requests: n,
  };
}

export function pairFigures(pairs: readonly { score: number; duplicate: boolean }[], threshold: number) {
  let tp = 0;
  let fp = 0;
  let fn = 0;
  for (const p of pairs) {
    if (p.score >= threshold) {
      if (p.duplicate) tp++;
      else fp++;
    } else if (p.duplicate) fn++;
  }
  const precision = tp + fp === 0 ? 0 : tp / (tp + fp);
  const recall = tp + fn === 0 ? 0 : tp / (tp + fn);
  return { precision, recall, f1: precision + recall === 0 ? 0 : (2 * precision * recall) / (precision + recall) };
}

/** Probability that a random duplicate pair outscores a random distinct pair (ties count half). */
export function rocAuc(pairs: readonly { score: number; duplicate: boolean }[]): number {
  const sorted = [...pairs].sort((a, b) => a.score - b.score);
  let rankSum = 0;
  let positives = 0;
  for (let i = 0; i < sorted.length;) {
    let j = i;
    while (j < sorted.length && sorted[j]!.score === sorted[i]!.score) j++;
    const averageRank = (i + 1 + j) / 2;
    for (let k = i; k < j; k++) {
      if (sorted[k]!.duplicate) {
        rankSum += averageRank;
        positives++;
      }
    }
    i = j;
  }
  const negatives = sorted.length - positives;
  if (positives === 0 || negatives === 0) return Number.NaN;
  return (rankSum - (positives * (positives + 1)) / 2) / (positives * negatives);
}

/** Of the requests that have a duplicate, how often one is ranked first / in the first five. */
export function retrievalHitRates(score: readonly (readonly number[])[], same: (i: number, j: number) => boolean) {
  let queries = 0;
  let top1 = 0;
  let top5 = 0;
  for (let i = 0; i < score.length; i++) {
    const others = score.map((_, j) => j).filter((j) => j !== i);
    if (!others.some((j) => same(i, j))) continue;
    queries++;
    const ranked = others.sort((a, b) => score[i]![b]! - score[i]![a]!).slice(0, 5);
    if (same(i, ranked[0]!)) top1++;
    if (ranked.some((j) => same(i, j))) top5++;
  }
  return { top1: queries ? top1 / queries : Number.NaN, top5: queries ? top5 / queries : Number.NaN };
}

/**
 * Fits a combiner on labelled pairs and picks its threshold from grouped cross-validation: the middle
 * of the range whose F1 is within 3 % of the best, which moves less between corpora than the argmax.
 */
export function trainCombiner(requests: readonly LabelledRequest[], name: string, signalNames: SignalName[], folds = 5): CombinerModel {
  const { signals: pair, neighbourhoods } = pairSignals(requests);
  const groups = [...new Set(requests.map((r) => r.group))].sort();
  const foldOf = new Map(groups.map((g, index) => [g, index % folds]));
  const rows: { i: number; j: number; features: number[]; duplicate: boolean }[] = [];
  for (let i = 0; i < requests.length; i++)
    for (let j = i + 1; j < requests.length; j++)
      rows.push({
        i,
        j,
        duplicate: requests[i]!.group === requests[j]!.group,
        features: signalNames.map((s) => pair[i]![j]![s]! - (neighbourhoods[i]![s]! + neighbourhoods[j]![s]!) / 2),
      });
  const outOfFold: { score: number; duplicate: boolean }[] = [];
  for (let f = 0; f < folds; f++) {
    const touches = (r: (typeof rows)[number]) => foldOf.get(requests[r.i]!.group) === f || foldOf.get(requests[r.j]!.group) === f;
    const train = rows.filter((r) => !touches(r));
    const fitted = fitLogistic(
      name,
      signalNames,
      train.map((r) => r.features),
      train.map((r) => r.duplicate),
    );
    for (const r of rows.filter(touches)) outOfFold.push({ score: probability(fitted, r.features), duplicate: r.duplicate });
  }
  const candidates = Array.from({ length: 99 }, (_, k) => (k + 1) / 100);
  const f1s = candidates.map((t) => pairFigures(outOfFold, t).f1);
  const best = Math.max(...f1s);
  const good = candidates.filter((_, k) => f1s[k]! >= 0.97 * best);
  const model = fitLogistic(
    name,
    signalNames,
    rows.map((r) => r.features),
    rows.map((r) => r.duplicate),
  );
  return { ...model, threshold: Math.round(((good[0]! + good[good.length - 1]!) / 2) * 100) / 100 };
}
