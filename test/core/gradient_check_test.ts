/**
 * Finite-difference gradient check of a whole small network (5 inputs, hidden [4, 3]) through
 * the engine's generic step on the reference backend: one SGD step with rate r recovers the
 * analytic gradient g = (w_before − w_after)/r of every weight and bias, which must equal the
 * central difference of the loss computed through GenericNetwork.predict.
 *
 * Loss per row: classification −log p_y (CrossEntropy) or ½Σ(p − t)² (Quadratic); regression
 * distribution.deviance(y, linkInv(eta)), whose d/d eta is the engine's output error (the
 * convention of core/distribution.ts, H2O's scale).
 */
import { assert, assertClose, test } from "../_harness.ts";
import type { PackedRows } from "../../core/backend.ts";
import { linkInv } from "../../core/distribution.ts";
import { activations, distributions } from "../../plugins/mod.ts";
import { compareGradients, forwardTrace, makeNet, type NetOptions, numericGradient, packDense, softmax, stepGradient, type TestNet } from "./_net.ts";

const RATE = 0.01;
const H = 1e-6;
const SGD = { rate: RATE, rate_annealing: 0, rate_decay: 1 };
const X = [
  [0.8, -1.1, 0.35, 1.6, -0.45],
  [-0.6, 0.9, 1.2, -0.25, 0.7],
  [1.3, 0.15, -0.8, 0.55, -1.05],
];

/** The loss of row `r` through the scoring forward pass. */
async function lossOf(t: TestNet, rows: PackedRows, r: number): Promise<number> {
  const out = await t.predict(rows);
  const nOut = t.net.units[t.net.units.length - 1];
  const y = rows.target[r];
  if (t.net.output === "softmax") {
    const p = out.subarray(r * nOut, (r + 1) * nOut);
    if (t.net.softmaxLoss === "Quadratic") {
      let s = 0;
      for (let c = 0; c < nOut; c++) s += 0.5 * (p[c] - (c === y ? 1 : 0)) ** 2;
      return s;
    }
    return -Math.log(p[y]);
  }
  const d = t.net.distribution;
  return d.deviance(y, linkInv(d.link, out[r]), t.net.distributionParams);
}

/** Mean loss over rows (the mini-batch objective). */
async function meanLoss(t: TestNet, rows: PackedRows, idx: number[]): Promise<number> {
  let s = 0;
  for (const r of idx) s += await lossOf(t, rows, r);
  return s / idx.length;
}

/** Smallest distance of any rectifier pre-activation from 0, and of any maxout pair from a tie. */
function kinkMargin(t: TestNet, x: number[][]): number {
  const st = t.read();
  const act = t.net.activation;
  let margin = Infinity;
  for (const row of x) {
    const tr = forwardTrace(st, t.net.units as number[], act, row);
    for (let m = 0; m < tr.z.length - 1; m++) {
      const z = tr.z[m];
      if (act.name === "Rectifier") for (const v of z) margin = Math.min(margin, Math.abs(v));
      if ((act.channels ?? 1) > 1) for (let u = 0; u < z.length; u += 2) margin = Math.min(margin, Math.abs(z[u] - z[u + 1]));
    }
  }
  return margin;
}

/** A network whose rows stay at least 1e-3 away from every kink (seeds tried in order). */
function netAwayFromKinks(o: NetOptions, x: number[][]): TestNet {
  for (let seed = 1; seed < 200; seed++) {
    const t = makeNet({ ...o, seed, initSeed: seed });
    if (kinkMargin(t, x) > 1e-3) return t;
  }
  throw new Error("no seed keeps the network away from its kinks");
}

function compare(analytic: Record<string, Float64Array>, numeric: Record<string, Float64Array>, label: string): void {
  compareGradients(analytic, numeric, label, 10);
}

const REGRESSION: { dist: string; params?: Record<string, number>; targets: (eta: number) => number[] }[] = [
  { dist: "gaussian", targets: (eta) => [eta + 1.7, eta - 0.6] },
  { dist: "laplace", targets: (eta) => [eta + 1.7, eta - 0.6] },
  { dist: "quantile", params: { quantile_alpha: 0.3 }, targets: (eta) => [eta + 1.7, eta - 0.6] },
  // δ = 0.8: one target inside the quadratic zone, one in the linear zone.
  { dist: "huber", params: { huber_delta: 0.8 }, targets: (eta) => [eta + 0.3, eta - 2.1] },
  { dist: "poisson", targets: (eta) => [3 * Math.exp(eta), 0] },
  { dist: "gamma", targets: (eta) => [3 * Math.exp(eta), 0.4 * Math.exp(eta)] },
  { dist: "tweedie", params: { tweedie_power: 1.5 }, targets: (eta) => [3 * Math.exp(eta), 0] },
];

for (const actName of ["Tanh", "Rectifier", "Maxout"]) {
  for (const [dist, classes, y] of [["bernoulli", 2, 1], ["bernoulli", 2, 0], ["multinomial", 3, 2], ["multinomial", 3, 0]] as const) {
    test(`GenericNetwork.train() gradient matches finite differences: ${actName}, ${dist} (${classes} classes, y = ${y})`, async () => {
      const t = netAwayFromKinks({ units: [5, 4, 3, classes], activation: actName, distribution: dist, optimizerParams: SGD }, [X[0]]);
      const rows = packDense([X[0]], [y]);
      compare(await stepGradient(t, rows, [0], RATE), await numericGradient(t, () => meanLoss(t, rows, [0]), H), `${actName}/${dist}`);
    });
  }

  for (const { dist, params, targets } of REGRESSION) {
    test(`GenericNetwork.train() gradient matches finite differences: ${actName}, ${dist}`, async () => {
      const base = { units: [5, 4, 3, 1], activation: actName, distribution: dist, distributionParams: params ?? {}, optimizerParams: SGD };
      const t = netAwayFromKinks(base, [X[0]]);
      const eta = (await t.predict(packDense([X[0]], [0])))[0];
      for (const y of targets(eta)) {
        const mu = linkInv(distributions.get(dist).link, eta);
        // Keep laplace/quantile/huber away from their kinks at y = mu and |y − mu| = δ.
        assert(Math.abs(y - mu) > 0.05 && Math.abs(Math.abs(y - mu) - (params?.huber_delta ?? -1)) > 0.05, "target too close to a kink");
        const rows = packDense([X[0]], [y]);
        compare(await stepGradient(t, rows, [0], RATE), await numericGradient(t, () => meanLoss(t, rows, [0]), H), `${actName}/${dist} y = ${y}`);
      }
    });
  }

  test(`GenericNetwork.train() gradient matches finite differences: ${actName}, softmax with Quadratic loss ½Σ(p − t)²`, async () => {
    const t = netAwayFromKinks({ units: [5, 4, 3, 3], activation: actName, distribution: "multinomial", softmaxLoss: "Quadratic", optimizerParams: SGD }, [X[0]]);
    for (const y of [0, 2]) {
      const rows = packDense([X[0]], [y]);
      compare(await stepGradient(t, rows, [0], RATE), await numericGradient(t, () => meanLoss(t, rows, [0]), H), `${actName}/Quadratic y = ${y}`);
    }
  });

  test(`GenericNetwork.train() with mini-batch 3 applies the mean of the three per-row gradients: ${actName}`, async () => {
    const base: NetOptions = { units: [5, 4, 3, 1], activation: actName, distribution: "gaussian", optimizerParams: SGD };
    const probe = netAwayFromKinks(base, X);
    const seed = probe.net.seed[0];
    const rows = packDense(X, [0.7, -1.2, 2.4]);
    const single = makeNet({ ...base, seed, initSeed: seed });
    const per: Record<string, Float64Array>[] = [];
    for (const r of [0, 1, 2]) per.push(await stepGradient(single, rows, [r], RATE));
    const batched = makeNet({ ...base, seed, initSeed: seed, miniBatch: 3 });
    const g3 = await stepGradient(batched, rows, [0, 1, 2], RATE);
    for (const name of Object.keys(g3)) {
      const mean = Float64Array.from(g3[name], (_, i) => (per[0][name][i] + per[1][name][i] + per[2][name][i]) / 3);
      assertClose(g3[name], mean, { atol: 1e-10, rtol: 1e-8, message: `mini-batch ${name}` });
    }
    // …and that mean is the finite-difference gradient of the mean loss.
    compare(g3, await numericGradient(batched, () => meanLoss(batched, rows, [0, 1, 2]), H), `${actName} mini-batch`);
    // A mini-batch is one update: it differs from three successive single-row steps.
    const seq = makeNet({ ...base, seed, initSeed: seed });
    const before = seq.read()["weights.0"];
    await seq.train(rows, [0, 1, 2]);
    const afterSeq = seq.read()["weights.0"];
    const afterBatch = Float64Array.from(before, (w, i) => w - RATE * g3["weights.0"][i]);
    assert(afterSeq.some((w, i) => Math.abs(w - afterBatch[i]) > 1e-12), "mini-batch 1 over 3 rows should not equal one averaged update");
  });
}

test("GenericNetwork.train() multiplies the output error by the row's observation weight", async () => {
  const base: NetOptions = { units: [5, 4, 3, 1], activation: "Tanh", distribution: "gaussian", optimizerParams: SGD };
  const t = makeNet(base);
  const g1 = await stepGradient(t, packDense([X[1]], [1.5]), [0], RATE);
  const g25 = await stepGradient(t, packDense([X[1]], [1.5], [2.5]), [0], RATE);
  for (const name of Object.keys(g1)) assertClose(g25[name], g1[name].map((v) => 2.5 * v), { atol: 1e-10, rtol: 1e-8, message: name });
});

test("GenericNetwork.predict() equals an independent forward pass (softmax and linear outputs)", async () => {
  for (const act of activations.list()) {
    for (const [dist, nOut] of [["multinomial", 3], ["gaussian", 1]] as const) {
      const t = makeNet({ units: [5, 4, 3, nOut], activation: act.name, distribution: dist });
      const rows = packDense(X, [0, 1, 2]);
      const out = await t.predict(rows);
      X.forEach((x, r) => {
        const raw = forwardTrace(t.read(), [5, 4, 3, nOut], act, x).a[3];
        const want = dist === "gaussian" ? Array.from(raw) : softmax(raw);
        assertClose(out.subarray(r * nOut, (r + 1) * nOut), want, { atol: 1e-14, rtol: 1e-12, message: `${act.name}/${dist} row ${r}` });
      });
    }
  }
});
