/**
 * Booklet §7's anomaly story on MNIST: an autoencoder 717-50-20-50-717 Tanh trained on the
 * training digits of every class but one, then the test set scored by reconstruction error
 * (`model.anomaly`). The held-out class should stand out: the AUC of the error as a detector of
 * that class, the mean error per class, and the 5 worst-reconstructed test digits as ASCII art.
 *
 *   bun bench/autoencoder_mnist.ts [--holdout 2] [--epochs 5] [--threads -1] [--mini_batch 1] [--parallel_mode auto]
 * @module
 */
import process from "node:process";
import { DeepLearning } from "../model/deep_learning.ts";
import { mnistFrames } from "../datasets/mnist.ts";

const arg = (name: string, fallback: string) => {
  const i = process.argv.indexOf(`--${name}`);
  return i > 0 ? process.argv[i + 1] : fallback;
};
const holdout = Number(arg("holdout", "2"));
const epochs = Number(arg("epochs", "5"));
const threads = Number(arg("threads", "-1"));
const miniBatch = Number(arg("mini_batch", "1"));
const parallelMode = arg("parallel_mode", "auto");

const { train, test } = await mnistFrames();
const numbers = (f: typeof train, name: string) => {
  const c = f.col(name);
  if (c.type !== "numeric") throw new Error(`${name} is not numeric`);
  return c.data;
};
const labels = (f: typeof train) => numbers(f, "C785").toFloat64Array();
const trainLabels = labels(train), testLabels = labels(test);
const keep = Array.from(trainLabels.keys()).filter((r) => trainLabels[r] !== holdout);
const t0 = performance.now();
const model = await new DeepLearning({
  autoencoder: true, hidden: [50, 20, 50], activation: "Tanh", epochs, seed: 1, nthreads: threads, mini_batch_size: miniBatch, parallel_mode: parallelMode,
  ignored_columns: ["C785"], score_training_samples: 2000,
}).train({ training_frame: train.rows(keep) });
const trainS = (performance.now() - t0) / 1000;
const modeNote = model.data.output.messages.find((m) => m.field === "parallel_mode")?.message;
if (modeNote) console.log(modeNote);
console.log(`Trained ${model.data.shape.units.join("-")} ${model.data.activation} on ${keep.length} training digits (all but ${holdout}), ${epochs} epochs, ${model.data.output.threads} thread(s), mini-batch ${miniBatch}, ${model.data.output.backend}: ${trainS.toFixed(1)} s, training reconstruction MSE ${model.mse().toFixed(5)}`);

const err = numbers(await model.anomaly(test), "Reconstruction.MSE").toFloat64Array();

// AUC of the error as a score for "is the held-out class" (Mann-Whitney, ties counted half).
const order = Array.from(err.keys()).sort((a, b) => err[a] - err[b]);
let rankSum = 0, pos = 0;
for (let i = 0; i < order.length;) {
  let j = i;
  while (j < order.length && err[order[j]] === err[order[i]]) j++;
  const mid = (i + j + 1) / 2;
  for (let k = i; k < j; k++) if (testLabels[order[k]] === holdout) { rankSum += mid; pos++; }
  i = j;
}
const neg = order.length - pos;
const auc = (rankSum - (pos * (pos + 1)) / 2) / (pos * neg);
console.log(`\nAUC of the reconstruction error as a detector of the held-out digit ${holdout}: ${auc.toFixed(4)} (${pos} of ${order.length} test rows)`);
console.log("Mean reconstruction MSE per test digit:");
for (let d = 0; d < 10; d++) {
  const rs = Array.from(err.keys()).filter((r) => testLabels[r] === d);
  const mean = rs.reduce((s, r) => s + err[r], 0) / rs.length;
  console.log(`  ${d}${d === holdout ? " (held out)" : "           "}  ${mean.toFixed(5)}`);
}

// The 5 worst-reconstructed digits, as ASCII art (28 × 28 pixels; darker characters for darker pixels).
const shades = " .:-=+*#%@";
const worst = order.slice(-5).reverse();
console.log(`\nThe 5 worst-reconstructed test digits:`);
const pixels = Array.from({ length: 784 }, (_, j) => numbers(test, `C${j + 1}`));
const art = worst.map((r) => Array.from({ length: 28 }, (_, y) => Array.from({ length: 28 }, (_, x) => shades[Math.min(9, Math.floor((pixels[y * 28 + x].at(r) / 256) * 10))]).join("")));
console.log(worst.map((r) => `row ${r}: digit ${testLabels[r]}, MSE ${err[r].toFixed(4)}`.padEnd(30)).join(""));
for (let y = 0; y < 28; y++) console.log(art.map((a) => a[y].padEnd(30)).join(""));
