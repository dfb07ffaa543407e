/**
 * Initialization (spec §2, Appendix C.5) through core/train/network.ts: Glorot ranges per matrix,
 * 4× wider classification output, bias values per activation, one seeded stream per matrix.
 */
import { assert, assertClose, assertEquals, test } from "../_harness.ts";
import type { Activation } from "../../core/activation.ts";
import { allocState, initialize, type InitOptions, namedBuffers, parameterCount, type Shape, weightRows } from "../../core/train/network.ts";
import { type RefBuf, referenceBackend } from "../../backends/reference/reference.ts";
import { activations } from "../../plugins/mod.ts";

function init(units: number[], o: Partial<InitOptions> & { activation?: Activation } = {}): Record<string, Float64Array> {
  const be = referenceBackend();
  const activation = o.activation ?? activations.get("Tanh");
  const shape: Shape = { units, channels: activation.channels ?? 1 };
  const state = allocState(be, shape, 2);
  initialize(be, shape, state, {
    distribution: o.distribution ?? "UniformAdaptive", scale: o.scale ?? 1, seed: o.seed ?? [42, 0],
    classification: o.classification ?? false, activation,
  });
  // The reference backend's buffers are host arrays: read them in place (readState is asynchronous).
  return Object.fromEntries(namedBuffers(state).map(([n, b]) => [n, (b as RefBuf).data.slice()]));
}

function absMax(a: Float64Array): number {
  return a.reduce((m, v) => Math.max(m, Math.abs(v)), 0);
}
function meanVar(a: Float64Array): [number, number] {
  const m = a.reduce((s, v) => s + v, 0) / a.length;
  return [m, a.reduce((s, v) => s + (v - m) ** 2, 0) / a.length];
}

test("initialize() UniformAdaptive draws within ±sqrt(6/(n_in + n_out)) and reaches the edge (Appendix C.5)", () => {
  const st = init([784, 200, 200, 10], { classification: true });
  const cases: [string, number][] = [["weights.0", 0.0780869], ["weights.1", 0.1224745], ["weights.2", 0.6761234]];
  for (const [name, r] of cases) {
    const w = st[name];
    const m = absMax(w);
    assert(m <= r * (1 + 1e-6), `${name}: max |w| ${m} exceeds r ${r}`);
    assert(m >= r * 0.99, `${name}: max |w| ${m} is not close to r ${r} over ${w.length} draws`);
    const [mean, v] = meanVar(w);
    assertClose(mean, 0, { atol: r * 0.02, message: `${name} mean` });
    assertClose(v, (r * r) / 3, { rtol: 0.05, message: `${name} variance of U(−r, r)` });
  }
});

test("initialize() widens only the classification output by 4 (regression output 200 → 1: r = 0.1727737)", () => {
  const reg = init([50, 200, 1]);
  const m = absMax(reg["weights.1"]);
  assert(m <= 0.1727737 * (1 + 1e-6) && m > 0.1727737 * 0.95, `regression output max |w| ${m}`);
  const cls = init([50, 200, 3], { classification: true });
  const r = 4 * Math.sqrt(6 / 203);
  const mc = absMax(cls["weights.1"]);
  assert(mc <= r * (1 + 1e-6) && mc > r * 0.95, `classification output max |w| ${mc}, r ${r}`);
  const hidden = absMax(cls["weights.0"]);
  assert(hidden <= Math.sqrt(6 / 250) * (1 + 1e-6), "hidden matrices are not widened");
});

test("initialize() uses unit counts, not channel counts, for Maxout's range and gives each channel its own row", () => {
  const maxout = activations.get("Maxout");
  const shape: Shape = { units: [30, 40, 1], channels: 2 };
  assertEquals(weightRows(shape, 0), 80);
  assertEquals(weightRows(shape, 1), 1, "the output layer never has channels");
  assertEquals(parameterCount(shape), 80 * 31 + 41);
  const st = init([30, 40, 1], { activation: maxout });
  assertEquals(st["weights.0"].length, 80 * 30);
  const r = Math.sqrt(6 / 70);
  const m = absMax(st["weights.0"]);
  assert(m <= r * (1 + 1e-6) && m >= 0.98 * r, `maxout max |w| ${m}, r ${r}`);
  assertEquals(Array.from(new Set(st["biases.0"])), [0.5], "both channels start at the first-layer bias");
});

test("initialize() Uniform draws within ±scale, Normal has standard deviation scale", () => {
  const u = init([100, 100, 1], { distribution: "Uniform", scale: 0.3 });
  const mu = absMax(u["weights.0"]);
  assert(mu <= 0.3 && mu > 0.29, `Uniform max |w| ${mu}`);
  const n = init([200, 200, 1], { distribution: "Normal", scale: 0.3 });
  const [mean, v] = meanVar(n["weights.0"]);
  assertClose(mean, 0, { atol: 0.005 });
  assertClose(Math.sqrt(v), 0.3, { rtol: 0.02 });
  assert(absMax(n["weights.0"]) > 0.9, "a normal sample of 40 000 should reach beyond 3σ");
});

test("initialize() biases per activation: Rectifier and Maxout 0.5 then 1, Tanh 0, outputs 0 (spec §2.5)", () => {
  for (const [name, first, rest] of [["Rectifier", 0.5, 1], ["Maxout", 0.5, 1], ["Tanh", 0, 0]] as const) {
    const st = init([5, 4, 3, 2, 2], { activation: activations.get(name), classification: true });
    assertEquals(Array.from(new Set(st["biases.0"])), [first], `${name} first hidden layer`);
    assertEquals(Array.from(new Set(st["biases.1"])), [rest], `${name} second hidden layer`);
    assertEquals(Array.from(new Set(st["biases.2"])), [rest], `${name} third hidden layer`);
    assertEquals(Array.from(new Set(st["biases.3"])), [0], `${name} output layer`);
  }
});

test("initialize() is reproducible: same seed → same weights, another seed → different weights", () => {
  const a = init([6, 5, 4, 1], { seed: [7, 0] });
  const b = init([6, 5, 4, 1], { seed: [7, 0] });
  assertEquals(a, b);
  const c = init([6, 5, 4, 1], { seed: [8, 0] });
  const d = init([6, 5, 4, 1], { seed: [7, 1] });
  for (const other of [c, d]) {
    for (const m of [0, 1, 2]) {
      const x = a[`weights.${m}`], y = other[`weights.${m}`];
      assert(x.some((v, i) => v !== y[i]), `weights.${m} unchanged by another seed`);
    }
  }
});

test("initialize() gives each matrix its own stream: a later layer's size does not change earlier matrices", () => {
  const a = init([6, 5, 4, 1]);
  const b = init([6, 5, 3, 1]);
  assertEquals(a["weights.0"], b["weights.0"]);
  const c = init([6, 5, 4, 1]);
  assert(a["weights.0"].some((v, i) => v !== c["weights.1"][i % c["weights.1"].length]), "matrices should not share a stream");
  // Different matrices of one network do not repeat the same draws.
  const u0 = a["weights.0"].map((v) => v / Math.sqrt(6 / 11)), u1 = a["weights.1"].map((v) => v / Math.sqrt(6 / 9));
  assert(u0.slice(0, 10).some((v, i) => Math.abs(v - u1[i]) > 1e-9), "matrices 0 and 1 drew the same uniforms");
});

test("allocState() starts every optimizer slot at 0 and names buffers stably", () => {
  const st = init([4, 3, 2]);
  assertEquals(Object.keys(st), [
    "weights.0", "biases.0", "weights.0.slot0", "weights.0.slot1", "biases.0.slot0", "biases.0.slot1",
    "weights.1", "biases.1", "weights.1.slot0", "weights.1.slot1", "biases.1.slot0", "biases.1.slot1",
  ]);
  for (const [name, v] of Object.entries(st)) if (name.includes("slot")) assert(v.every((x) => x === 0), `${name} not zero`);
  const be = referenceBackend();
  assertEquals(namedBuffers(allocState(be, { units: [4, 3, 2], channels: 1 }, 0)).map(([n]) => n), ["weights.0", "biases.0", "weights.1", "biases.1"]);
});
