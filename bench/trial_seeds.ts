/**
 * The booklet's MNIST trial run (cli/demo.ts settings) over several seeds, with diagnostics for the
 * seeds that collapse: the validation error, the class recalled worst, dead Rectifier units per
 * hidden layer (zero on every scored row), the output biases, and which scoring event the
 * best-model rule kept. Variants: the booklet's settings, and the same without hidden dropout.
 *
 *   bun bench/trial_seeds.ts [--seeds 1-10] [--variants booklet,nodropout] [--threads N]
 * @module
 */
import process from "node:process";
import { adaptFrame, packRows } from "../core/train/preprocess.ts";
import { mnistFrames } from "../datasets/mnist.ts";
import { DeepLearning } from "../model/deep_learning.ts";
import type { DeepLearningModel } from "../model/model.ts";
import type { Frame } from "../frame/frame.ts";
import { MNIST_DEMO_PARAMS } from "../cli/demo.ts";

const arg = (name: string, dflt: string) => {
  const i = process.argv.indexOf(`--${name}`);
  return i > 0 ? process.argv[i + 1] : dflt;
};
const [lo, hi] = arg("seeds", "1-10").split("-").map(Number);
const variants = arg("variants", "booklet,nodropout").split(",");
const threads = Number(arg("threads", "-1"));
const VARIANTS: Record<string, Record<string, unknown>> = {
  booklet: {},
  nodropout: { activation: "Rectifier" },
  // What H2O's documented protocol allows without touching the booklet's model settings:
  misclassification: { stopping_metric: "misclassification" },
  continued: {}, // the booklet's run, then continued from its checkpoint to 20 epochs
};

const { train, test } = await mnistFrames();
const tr = train.asfactor("C785"), te = test.asfactor("C785");

/** Per hidden layer: the fraction of units that output 0 on every one of the first `n` validation rows. */
function deadUnits(m: DeepLearningModel, frame: Frame, n = 2000): number[] {
  const d = m.data, prep = d.preprocessor;
  const rows = packRows(prep, adaptFrame(prep, frame), { rows: Array.from({ length: n }, (_, i) => i), precision: 64 });
  const units = d.shape.units;
  const dead: number[] = [];
  let prev: Float64Array[] = [];
  for (let r = 0; r < n; r++) {
    const x = new Float64Array(units[0]);
    if (rows.dense) x.set(rows.dense.subarray(r * units[0], (r + 1) * units[0]));
    else for (let k = rows.csr!.indptr[r]; k < rows.csr!.indptr[r + 1]; k++) x[rows.csr!.index[k]] = rows.csr!.value[k];
    prev[r] = x;
  }
  for (let l = 0; l + 2 < units.length; l++) {
    const W = d.state[`weights.${l}`], b = d.state[`biases.${l}`];
    const [nin, nout] = [units[l], units[l + 1]];
    const alive = new Uint8Array(nout);
    const keep = 1 - (d.dropout[l] ?? 0);
    prev = prev.map((x) => {
      const a = new Float64Array(nout);
      for (let j = 0; j < nout; j++) {
        let z = b[j];
        for (let i = 0; i < nin; i++) z += W[j * nin + i] * x[i] * keep;
        a[j] = z > 0 ? z : 0;
        if (a[j] > 0) alive[j] = 1;
      }
      return a;
    });
    dead.push(1 - alive.reduce((s, v) => s + v, 0) / nout);
  }
  return dead;
}

console.log("variant\tseed\tvalid_err\tworst_class\tworst_recall\ttaken_by\ttrain_recall\tworst_out_bias\tdead_units(l1,l2,l3)\tout_bias_min..max\tbest_epoch(logloss)\tfinal_epoch\terr_at_best_misclass\tseconds");
for (const variant of variants) {
  for (let seed = lo; seed <= hi; seed++) {
    const t0 = performance.now();
    const base = { ...MNIST_DEMO_PARAMS, seed, nthreads: threads, ...VARIANTS[variant] };
    let m = await new DeepLearning(base).train({ y: "C785", training_frame: tr, validation_frame: te });
    if (variant === "continued") m = await new DeepLearning({ checkpoint: m, epochs: 20 }).train({ y: "C785", training_frame: tr, validation_frame: te });
    const perf = m.modelPerformance({ valid: true });
    const cm = (perf.metrics as unknown as { confusion_matrix: { counts: number[][] } }).confusion_matrix;
    let worst = -1, worstRecall = 2;
    cm.counts.forEach((row, c) => {
      const n = row.reduce((s, v) => s + v, 0);
      const rec = n ? row[c] / n : 1;
      if (rec < worstRecall) [worst, worstRecall] = [c, rec];
    });
    // Where the worst class's rows go, and whether the training sample shows the same (underfit, not overfit).
    const row = cm.counts[worst];
    const takenBy = row.reduce((b, v, c) => (c !== worst && v > row[b] ? c : b), worst === 0 ? 1 : 0);
    const tcm = (m.modelPerformance({ train: true }).metrics as unknown as { confusion_matrix: { counts: number[][] } }).confusion_matrix;
    const trow = tcm.counts[worst], tn = trow.reduce((s, v) => s + v, 0);
    const trainRecall = tn ? trow[worst] / tn : NaN;
    const L = m.data.shape.units.length - 2;
    const ob = m.data.state[`biases.${L}`];
    const hist = m.data.output.history.slice(1);
    const best = hist.reduce((b, r) => (r.validation_logloss as number) < (b.validation_logloss as number) ? r : b, hist[0]);
    const bestErr = hist.reduce((b, r) => Math.min(b, r.validation_classification_error as number), 1);
    const dead = deadUnits(m, te);
    console.log([
      variant, seed, (perf.metrics as unknown as { classification_error: number }).classification_error.toFixed(4), worst, worstRecall.toFixed(3),
      takenBy, trainRecall.toFixed(3), `${ob[worst].toFixed(2)} (mean ${(ob.reduce((a, b) => a + b, 0) / ob.length).toFixed(2)})`,
      dead.map((x) => x.toFixed(2)).join(","), `${Math.min(...ob).toFixed(2)}..${Math.max(...ob).toFixed(2)}`,
      (best.epochs as number).toFixed(2), m.data.output.epochs.toFixed(2), bestErr.toFixed(4), ((performance.now() - t0) / 1000).toFixed(1),
    ].join("\t"));
  }
}
