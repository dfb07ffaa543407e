/**
 * Finite-difference gradient checks of the autoencoder head ("reconstruct", spec §14.2) through
 * the generic step on the reference backend: one SGD step recovers the analytic gradient, which
 * must equal the central difference of Σᵢ deviance(xᵢ, âᵢ) over the reconstructed inputs, with
 * â = f(z) the output activation (the documented gradient: f′ included, not H2O's quirk Q21).
 * With sparsity (spec §5.6) each hidden bias's step carries beta·(ρ̂ − target) on top.
 */
import { assert, assertClose, test } from "../_harness.ts";
import type { PackedRows } from "../../core/backend.ts";
import { activations } from "../../plugins/mod.ts";
import { compareGradients, forwardTrace, makeNet, type NetOptions, numericGradient, packDense, stepGradient, type TestNet } from "./_net.ts";

const RATE = 0.01;
const H = 1e-6;
const SGD = { rate: RATE, rate_annealing: 0, rate_decay: 1 };
const X = [[0.8, -0.4, 0.35, 0.6, -0.45], [-0.3, 0.25, 0.5, -0.25, 0.1]];
const UNITS = [5, 4, 3, 5];

async function lossOf(t: TestNet, rows: PackedRows, idx: number[]): Promise<number> {
  const out = await t.predict(rows), n0 = rows.width, d = t.net.distribution;
  let s = 0;
  for (const r of idx) for (let i = 0; i < n0; i++) s += d.deviance(rows.dense![r * n0 + i], out[r * n0 + i], t.net.distributionParams);
  return s / idx.length;
}

/** A network whose every pre-activation (output layer included) is 1e-3 away from a rectifier's kink. */
function awayFromKinks(o: NetOptions): TestNet {
  for (let seed = 1; seed < 300; seed++) {
    const t = makeNet({ ...o, seed, initSeed: seed });
    const st = t.read();
    const ok = X.every((x) => forwardTrace(st, UNITS, t.net.activation, x).z.every((z) => z.every((v) => Math.abs(v) > 1e-3)));
    if (ok) return t;
  }
  throw new Error("no seed keeps the network away from its kinks");
}

function compare(analytic: Record<string, Float64Array>, numeric: Record<string, Float64Array>, label: string): void {
  compareGradients(analytic, numeric, label, 20);
}

// Every single-channel activation (Maxout is refused for autoencoders: its output would have 2 channels).
const ACTIVATIONS = activations.list().filter((a) => (a.channels ?? 1) === 1).map((a) => a.name);

for (const act of ACTIVATIONS) {
  for (const [dist, params] of [["gaussian", {}], ["laplace", {}], ["huber", { huber_delta: 0.3 }]] as const) {
    test(`autoencoder gradient matches finite differences: ${act}, ${dist}, mini-batch 1 and 2`, async () => {
      const t = awayFromKinks({ units: UNITS, activation: act, distribution: dist, distributionParams: params, optimizerParams: SGD, autoencoder: true });
      const rows = packDense(X, [0, 0]);
      compare(await stepGradient(t, rows, [0], RATE), await numericGradient(t, () => lossOf(t, rows, [0]), H), `${act}/${dist}`);
      const t2 = makeNet({ units: UNITS, activation: act, distribution: dist, distributionParams: params, optimizerParams: SGD, autoencoder: true, miniBatch: 2, seed: t.net.seed[0], initSeed: t.net.seed[0] });
      compare(await stepGradient(t2, rows, [0, 1], RATE), await numericGradient(t2, () => lossOf(t2, rows, [0, 1]), H), `${act}/${dist} mini-batch 2`);
    });
  }

  test(`autoencoder gradient with sparsity: the loss gradient plus beta·(ρ̂ − target) on each hidden bias: ${act}`, async () => {
    const sparsity = { beta: 0.7, target: act === "Tanh" ? -0.3 : 0.2 };
    const t = awayFromKinks({ units: UNITS, activation: act, optimizerParams: SGD, autoencoder: true, sparsity });
    const rows = packDense(X, [0, 0]);
    const numeric = await numericGradient(t, () => lossOf(t, rows, [0]), H);
    // After one row from ρ̂ = 0: ρ̂ = 0.001·a for each hidden unit.
    const tr = forwardTrace(t.read(), UNITS, t.net.activation, X[0]);
    for (const l of [1, 2]) {
      const b = numeric[`biases.${l - 1}`];
      tr.a[l].forEach((a, j) => (b[j] += sparsity.beta * (0.001 * a - sparsity.target)));
    }
    compare(await stepGradient(t, rows, [0], RATE), numeric, `${act} sparsity`);
    // …and the running averages moved as spec §5.6 says.
    assertClose(t.generic.averageActivations[0], tr.a[1].map((a) => 0.001 * a), { atol: 1e-15, message: "ρ̂ after one row" });
  });
}
