// A small learned combiner: logistic regression over the detector's signals, each first corrected for
// how crowded its neighbourhood is (so a generic request that is mildly similar to everything does not
// outrank a specific one). Trained on the labelled dev pairs by `npm run eval:duplicates -- --train`;
// the fitted weights are data (duplicate-combiner.json), not code.

export type SignalName = 'semantic' | 'words' | 'characters';

export interface CombinerModel {
  name: string;
  signals: SignalName[];
  mean: number[];
  scale: number[];
  weights: number[];
  bias: number;
  /** Probability at or above which a pair is reported as a likely duplicate. */
  threshold: number;
}

export function probability(model: CombinerModel, features: readonly number[]): number {
  let z = model.bias;
  for (let k = 0; k < model.weights.length; k++) z += (model.weights[k]! * (features[k]! - model.mean[k]!)) / model.scale[k]!;
  return 1 / (1 + Math.exp(-z));
}

/** Batch gradient descent with a little L2; features are standardised so the step size is stable. */
export function fitLogistic(name: string, signals: SignalName[], features: readonly number[][], labels: readonly boolean[]): CombinerModel {
  const d = signals.length;
  const n = features.length;
  const mean = Array.from({ length: d }, (_, k) => features.reduce((s, x) => s + x[k]!, 0) / n);
  const scale = Array.from({ length: d }, (_, k) => Math.sqrt(features.reduce((s, x) => s + (x[k]! - mean[k]!) ** 2, 0) / n) || 1);
  const standard = features.map((x) => x.map((v, k) => (v - mean[k]!) / scale[k]!));
  const weights = new Array<number>(d).fill(0);
  let bias = 0;
  const learningRate = 1;
  const l2 = 1e-4;
  for (let iteration = 0; iteration < 800; iteration++) {
    const gradient = new Array<number>(d).fill(0);
    let gradientBias = 0;
    for (let i = 0; i < n; i++) {
      let z = bias;
      for (let k = 0; k < d; k++) z += weights[k]! * standard[i]![k]!;
      const error = 1 / (1 + Math.exp(-z)) - (labels[i] ? 1 : 0);
      for (let k = 0; k < d; k++) gradient[k]! += error * standard[i]![k]!;
      gradientBias += error;
    }
    for (let k = 0; k < d; k++) weights[k]! -= learningRate * (gradient[k]! / n + l2 * weights[k]!);
    bias -= (learningRate * gradientBias) / n;
  }
  return { name, signals, mean, scale, weights, bias, threshold: 0.5 };
}
