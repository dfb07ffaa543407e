/**
 * The per-sample rules of the generic step (spec §5.1–§5.5, §3.2–§3.3), in their documented form:
 * fast_mode skips parameters without signal (Q10/Q11), L1/L2 apply to biases too, max_w2
 * rescales updated rows only, dropout masks come from the per-sample stream and dropped units
 * learn nothing (Q7), scoring scales inputs and hidden layers by 1 − ratio (Q6), Maxout updates
 * the winning channel only, ADADELTA biases use their own gradient (Q12), the momentum ramp is
 * applied (Q13) and Nesterov is Nesterov (Q14).
 */
import { assert, assertClose, assertEquals, test } from "../_harness.ts";
import { Rng } from "../../core/rng.ts";
import { sampleSeed } from "../../core/train/step.ts";
import { momentumSchedule } from "../../plugins/optimizers/momentum.ts";
import { activations, optimizers, regularizers } from "../../plugins/mod.ts";
import { changed, forwardTrace, makeNet, type NetOptions, packDense, type TestNet } from "./_net.ts";

const ADADELTA = { rho: 0.95, epsilon: 1e-6 };
const SGD = { rate: 0.05, rate_annealing: 0, rate_decay: 1 };
const l1 = (v: number) => ({ regularizer: regularizers.get("l1"), params: { l1: v } });
const l2 = (v: number) => ({ regularizer: regularizers.get("l2"), params: { l2: v } });
const maxW2 = (v: number) => ({ regularizer: regularizers.get("max_w2"), params: { max_w2: v } });

/** Fills every optimizer slot with distinct non-zero values, so any decay shows. */
function fillSlots(t: TestNet): void {
  const st = t.read();
  const patch: Record<string, Float64Array> = {};
  let k = 0;
  for (const name of Object.keys(st)) if (name.includes("slot")) patch[name] = st[name].map(() => 0.05 + 0.01 * (k++ % 17));
  t.write(patch);
}

/** Entry (row, col) of a row-major matrix with `cols` columns. */
const at = (row: number, col: number, cols: number) => row * cols + col;

// ── fast_mode (Q10, Q11) ─────────────────────────────────────────────────────────────────────

test("GenericNetwork.train() with skipZero: a weight whose input is 0 keeps its value and its ADADELTA slots", async () => {
  const t = makeNet({ units: [4, 3, 1], activation: "Tanh", optimizer: "adadelta", optimizerParams: ADADELTA, skipZero: true });
  fillSlots(t);
  const before = t.read();
  await t.train(packDense([[0.5, 0, -1.2, 0]], [2]), [0]);
  const after = t.read();
  for (let j = 0; j < 3; j++) {
    for (const i of [1, 3]) {
      for (const name of ["weights.0", "weights.0.slot0", "weights.0.slot1"]) {
        assertEquals(after[name][at(j, i, 4)], before[name][at(j, i, 4)], `${name}[${j},${i}] (input ${i} is 0)`);
      }
    }
    for (const i of [0, 2]) {
      for (const name of ["weights.0", "weights.0.slot0", "weights.0.slot1"]) {
        assert(after[name][at(j, i, 4)] !== before[name][at(j, i, 4)], `${name}[${j},${i}] should change (input ${i} is not 0)`);
      }
    }
  }
});

test("GenericNetwork.train() without skipZero: zero-input weights keep their value but their ADADELTA slots decay by rho", async () => {
  const t = makeNet({ units: [4, 3, 1], activation: "Tanh", optimizer: "adadelta", optimizerParams: ADADELTA, skipZero: false });
  fillSlots(t);
  const before = t.read();
  await t.train(packDense([[0.5, 0, -1.2, 0]], [2]), [0]);
  const after = t.read();
  for (let j = 0; j < 3; j++) {
    for (const i of [1, 3]) {
      const k = at(j, i, 4);
      assertEquals(after["weights.0"][k], before["weights.0"][k], `weights.0[${j},${i}]`);
      assertClose(after["weights.0.slot0"][k], ADADELTA.rho * before["weights.0.slot0"][k], { message: `E[Δw²] of [${j},${i}]` });
      assertClose(after["weights.0.slot1"][k], ADADELTA.rho * before["weights.0.slot1"][k], { message: `E[g²] of [${j},${i}]` });
    }
  }
});

test("GenericNetwork.train() with l1 > 0: zero-input weights shrink by rate·l1 without skipZero and stay put with it", async () => {
  const x = [[0.5, 0, -1.2, 0]];
  for (const skipZero of [false, true]) {
    const t = makeNet({ units: [4, 3, 1], activation: "Tanh", optimizerParams: SGD, terms: [l1(0.2)], skipZero });
    const before = t.read();
    await t.train(packDense(x, [2]), [0]);
    const after = t.read();
    for (let j = 0; j < 3; j++) {
      for (const i of [1, 3]) {
        const k = at(j, i, 4);
        const w = before["weights.0"][k];
        const want = skipZero ? w : w - SGD.rate * 0.2 * Math.sign(w);
        assertClose(after["weights.0"][k], want, { atol: 1e-15, message: `skipZero ${skipZero}: weights.0[${j},${i}]` });
      }
    }
  }
});

/** A Rectifier network whose hidden unit 2 is inactive for every row (bias −50). */
function withDeadUnit(o: Partial<NetOptions>): TestNet {
  const t = makeNet({ units: [3, 4, 1], activation: "Rectifier", ...o });
  const b = t.read()["biases.0"];
  b[0] = b[1] = b[3] = 3; // the others are surely active
  b[2] = -50;
  t.write({ "biases.0": b });
  return t;
}
const ROW3 = [[0.9, -0.7, 0.4]];

test("GenericNetwork.train() with skipZero: an inactive rectifier keeps its weights, bias, outgoing weights and slots", async () => {
  const t = withDeadUnit({ optimizer: "adadelta", optimizerParams: ADADELTA, skipZero: true });
  fillSlots(t);
  const before = t.read();
  await t.train(packDense(ROW3, [1.5]), [0]);
  const after = t.read();
  for (const name of ["weights.0", "weights.0.slot0", "weights.0.slot1"]) {
    for (let i = 0; i < 3; i++) assertEquals(after[name][at(2, i, 3)], before[name][at(2, i, 3)], `${name}[2,${i}] of the dead unit`);
    for (const j of [0, 1, 3]) assert(after[name][at(j, 0, 3)] !== before[name][at(j, 0, 3)], `${name}[${j},0] of a live unit should change`);
  }
  for (const name of ["biases.0", "biases.0.slot0", "biases.0.slot1"]) {
    assertEquals(after[name][2], before[name][2], `${name}[2] of the dead unit`);
    assert(after[name][0] !== before[name][0], `${name}[0] of a live unit should change`);
  }
  for (const name of ["weights.1", "weights.1.slot0", "weights.1.slot1"]) {
    assertEquals(after[name][2], before[name][2], `${name}[0,2]: the dead unit's outgoing weight`);
  }
});

test("GenericNetwork.train() without skipZero and l1 > 0: an inactive rectifier's weights and bias shrink toward 0", async () => {
  const t = withDeadUnit({ optimizerParams: SGD, terms: [l1(0.1)], skipZero: false });
  const before = t.read();
  await t.train(packDense(ROW3, [1.5]), [0]);
  const after = t.read();
  const step = SGD.rate * 0.1;
  for (let i = 0; i < 3; i++) {
    const w = before["weights.0"][at(2, i, 3)];
    assertClose(after["weights.0"][at(2, i, 3)], w - step * Math.sign(w), { atol: 1e-15, message: `weights.0[2,${i}]` });
  }
  assertClose(after["biases.0"][2], -50 + step, { atol: 1e-13, message: "dead bias shrinks by rate·l1" });
});

// ── L1 / L2 on weights and biases ────────────────────────────────────────────────────────────

test("GenericNetwork.train() adds l1·sign(p) + l2·p to the gradient of every weight AND bias", async () => {
  const base: NetOptions = { units: [3, 2, 1], activation: "Tanh", optimizerParams: SGD, skipZero: false };
  const biases = { "biases.0": [0.3, -0.2], "biases.1": [0.45] };
  const plain = makeNet(base);
  plain.write(biases);
  const before = plain.read();
  await plain.train(packDense(ROW3, [0.8]), [0]);
  const a = plain.read();
  const reg = makeNet({ ...base, terms: [l1(0.05), l2(0.1)] });
  reg.write(biases);
  await reg.train(packDense(ROW3, [0.8]), [0]);
  const b = reg.read();
  for (const name of ["weights.0", "biases.0", "weights.1", "biases.1"]) {
    const want = before[name].map((p, i) => {
      const g = (p - a[name][i]) / SGD.rate;
      return p - SGD.rate * (g + 0.05 * Math.sign(p) + 0.1 * p);
    });
    assertClose(b[name], want, { atol: 1e-14, rtol: 1e-12, message: name });
  }
});

// ── max_w2 (§5.5) ────────────────────────────────────────────────────────────────────────────

test("GenericNetwork.train() max_w2 rescales every updated row to norm² = max_w2 and leaves biases out", async () => {
  const base: NetOptions = { units: [3, 4, 1], activation: "Tanh", optimizerParams: SGD, skipZero: false };
  const big = { "weights.0": new Array(12).fill(3), "biases.0": [0.1, 0.2, -0.1, 0.3] };
  const free = makeNet(base);
  free.write(big);
  await free.train(packDense(ROW3, [1]), [0]);
  const capped = makeNet({ ...base, constraints: [maxW2(2)] });
  capped.write(big);
  await capped.train(packDense(ROW3, [1]), [0]);
  const f = free.read(), c = capped.read();
  for (let j = 0; j < 4; j++) {
    const row = c["weights.0"].subarray(j * 3, j * 3 + 3);
    assertClose(row.reduce((s, w) => s + w * w, 0), 2, { rtol: 1e-12, message: `row ${j} norm²` });
    const freeRow = f["weights.0"].subarray(j * 3, j * 3 + 3);
    const k = Math.sqrt(2 / freeRow.reduce((s, w) => s + w * w, 0));
    assertClose(row, freeRow.map((w) => w * k), { rtol: 1e-12, message: `row ${j} is the updated row scaled` });
  }
  assertClose(c["biases.0"], f["biases.0"], { message: "biases are not part of the norm" });
  // The output row's norm² is far below 2: untouched by the constraint.
  assert(f["weights.1"].reduce((s, w) => s + w * w, 0) < 2, "test setup: output row should be below max_w2");
  assertEquals(c["weights.1"], f["weights.1"]);
});

test("GenericNetwork.train() max_w2 with skipZero leaves a skipped unit's row above the cap", async () => {
  const t = withDeadUnit({ optimizerParams: SGD, skipZero: true, constraints: [maxW2(2)] });
  const w = t.read()["weights.0"].map(() => 3);
  t.write({ "weights.0": w });
  await t.train(packDense(ROW3, [1.5]), [0]);
  const after = t.read()["weights.0"];
  const norm = (j: number) => after.subarray(j * 3, j * 3 + 3).reduce((s, v) => s + v * v, 0);
  assertEquals(norm(2), 27, "the dead unit was not updated, so it is not constrained");
  for (const j of [0, 1, 3]) assertClose(norm(j), 2, { rtol: 1e-12, message: `live row ${j}` });
});

// ── Dropout (§3.2, §3.3) ─────────────────────────────────────────────────────────────────────

/** The keep mask the engine must draw for one sample: layer by layer, inputs first, from its own stream. */
function expectedMasks(seed: number, pass: number, row: number, layers: { n: number; ratio: number }[]): boolean[][] {
  const rng = new Rng(sampleSeed([seed, 0], pass, row));
  return layers.map(({ n, ratio }) => (ratio > 0 ? Array.from({ length: n }, () => rng.uniform() >= ratio) : new Array(n).fill(true)));
}

for (const actName of ["Rectifier", "Tanh", "Maxout"]) {
  for (const skipZero of [true, false]) {
    test(`GenericNetwork.train() hidden dropout (${actName}, skipZero ${skipZero}): dropped units get no update, the mask comes from the sample's stream`, async () => {
      const n = 16, seed = 7, pass = 3, row = 5;
      const t = makeNet({ units: [3, n, 1], activation: actName, optimizerParams: SGD, dropout: [0, 0.5], skipZero, seed });
      const ch = activations.get(actName).channels ?? 1;
      t.write({ "biases.0": new Array(n * ch).fill(2) }); // every rectifier active, so only the mask drops units
      const X = Array.from({ length: 8 }, (_, r) => [0.3 + r * 0.1, -0.5, 0.8]);
      const before = t.read();
      await t.train(packDense(X, X.map(() => 3)), [row], { pass });
      const after = t.read();
      const [, keep] = expectedMasks(seed, pass, row, [{ n: 3, ratio: 0 }, { n, ratio: 0.5 }]);
      assert(keep.some((k) => k) && keep.some((k) => !k), "test setup: the mask should keep some units and drop others");
      for (let u = 0; u < n; u++) {
        const rowsOfUnit = Array.from({ length: ch }, (_, q) => u * ch + q);
        const moved = rowsOfUnit.some((r) => changed(before["weights.0"].subarray(r * 3, r * 3 + 3), after["weights.0"].subarray(r * 3, r * 3 + 3)).length > 0);
        const biasMoved = rowsOfUnit.some((r) => before["biases.0"][r] !== after["biases.0"][r]);
        assertEquals(moved, keep[u], `unit ${u}: incoming weights updated iff kept`);
        assertEquals(biasMoved, keep[u], `unit ${u}: bias updated iff kept`);
        if (!keep[u]) assertEquals(after["weights.1"][u], before["weights.1"][u], `unit ${u}: outgoing weight of a dropped unit`);
      }
    });
  }
}

test("GenericNetwork.train() draws the input mask first, then the hidden masks, from the same sample stream", async () => {
  const n0 = 8, n = 6, seed = 11, pass = 2, row = 1;
  const t = makeNet({ units: [n0, n, 1], activation: "Tanh", optimizerParams: SGD, dropout: [0.4, 0.3], skipZero: true, seed });
  const X = [Array.from({ length: n0 }, (_, i) => 0.2 + 0.1 * i), Array.from({ length: n0 }, (_, i) => 1 - 0.15 * i)];
  const before = t.read()["weights.0"];
  await t.train(packDense(X, [1, -1]), [row], { pass });
  const after = t.read()["weights.0"];
  const [keepIn, keepHidden] = expectedMasks(seed, pass, row, [{ n: n0, ratio: 0.4 }, { n, ratio: 0.3 }]);
  assert(keepIn.some((k) => !k) && keepHidden.some((k) => k), "test setup: some input dropped, some unit kept");
  for (let j = 0; j < n; j++) {
    for (let i = 0; i < n0; i++) {
      const moved = after[at(j, i, n0)] !== before[at(j, i, n0)];
      assertEquals(moved, keepHidden[j] && keepIn[i], `weights.0[${j},${i}] (unit kept ${keepHidden[j]}, input kept ${keepIn[i]})`);
    }
  }
});

test("GenericNetwork.train() dropout masks are reproducible: same seed, pass and row give the same update; another pass does not", async () => {
  const o: NetOptions = { units: [3, 12, 1], activation: "Tanh", optimizerParams: SGD, dropout: [0, 0.5], skipZero: true, seed: 5 };
  const rows = packDense([[0.4, -0.3, 0.9], [1, 0.2, -0.6]], [1, 2]);
  const run = async (pass: number, seed = 5) => {
    const t = makeNet({ ...o, seed, initSeed: 5 });
    await t.train(rows, [1], { pass });
    return t.read()["weights.0"];
  };
  assertEquals(await run(4), await run(4));
  assert(changed(await run(4), await run(5)).length > 0, "a different pass should draw a different mask");
  assert(changed(await run(4), await run(4, 6)).length > 0, "a different model seed should draw a different mask");
  // The row identity, not its position in the batch order, picks the stream.
  const t = makeNet({ ...o, initSeed: 5 });
  await t.train(rows, [1], { pass: 4 });
  assertEquals(t.read()["weights.0"], await run(4));
});

test("GenericNetwork.train() draws a different dropout mask for each row of a pass", async () => {
  // Identical inputs on every row, so only the mask can tell the rows apart.
  const o: NetOptions = { units: [3, 16, 1], activation: "Tanh", optimizerParams: SGD, dropout: [0, 0.5], skipZero: true, seed: 5 };
  const rows = packDense(Array.from({ length: 6 }, () => [0.4, -0.3, 0.9]), new Array(6).fill(1));
  const kept = async (row: number) => {
    const t = makeNet(o);
    const before = t.read()["biases.0"];
    await t.train(rows, [row], { pass: 2 });
    return changed(before, t.read()["biases.0"]).join(",");
  };
  const masks = new Set<string>();
  for (const row of [0, 1, 2, 3, 4, 5]) masks.add(await kept(row));
  assert(masks.size >= 5, `6 rows drew only ${masks.size} distinct masks`);
});

test("GenericNetwork.predict() scales inputs by 1 − input_dropout_ratio and hidden layers by 1 − ratio (Q6 documented)", async () => {
  const units = [4, 5, 3, 1];
  const dropout = [0.2, 0.5, 0.3];
  for (const act of ["Tanh", "Rectifier", "Maxout"]) {
    const t = makeNet({ units, activation: act, dropout, seed: 3 });
    const plain = makeNet({ units, activation: act, seed: 3 });
    const X = [[0.5, -1, 2, 0.1], [1.5, 0.3, -0.7, -2]];
    const out = await t.predict(packDense(X, [0, 0]));
    const noDrop = await plain.predict(packDense(X, [0, 0]));
    X.forEach((x, r) => {
      const want = forwardTrace(t.read(), units, activations.get(act), x, dropout).a[3][0];
      assertClose(out[r], want, { atol: 1e-14, rtol: 1e-12, message: `${act} row ${r}` });
      assert(Math.abs(out[r] - noDrop[r]) > 1e-6, `${act}: dropout scaling should change the output`);
    });
  }
  // No hidden layer: the output is b + (1 − p_in)·W·x exactly (inputs are scaled, Q6 documented).
  const lin = makeNet({ units: [2, 1], dropout: [0.2], seed: 9 });
  lin.write({ "weights.0": [2, -3], "biases.0": [0.5] });
  assertClose((await lin.predict(packDense([[1, 1]], [0])))[0], 0.5 + 0.8 * (2 - 3));
});

// ── Maxout (§3.1) ────────────────────────────────────────────────────────────────────────────

test("GenericNetwork.train() Maxout changes only the winning channel's row and bias", async () => {
  for (const [optimizer, params, skipZero] of [["sgd", SGD, false], ["adadelta", ADADELTA, true]] as const) {
    const t = makeNet({ units: [3, 4, 1], activation: "Maxout", optimizer, optimizerParams: params, skipZero, seed: 2 });
    if (optimizer === "adadelta") fillSlots(t);
    const before = t.read();
    const tr = forwardTrace(before, [3, 4, 1], activations.get("Maxout"), ROW3[0]);
    await t.train(packDense(ROW3, [2]), [0]);
    const after = t.read();
    const names = optimizer === "adadelta" ? ["", ".slot0", ".slot1"] : [""];
    for (let u = 0; u < 4; u++) {
      const z = tr.z[0];
      const win = z[2 * u + 1] > z[2 * u] ? 1 : 0;
      assert(Math.abs(z[2 * u] - z[2 * u + 1]) > 1e-9, "test setup: no ties");
      for (const suffix of names) {
        const W0 = `weights.0${suffix}`, B0 = `biases.0${suffix}`;
        for (const q of [0, 1]) {
          const r = 2 * u + q;
          const moved = changed(before[W0].subarray(r * 3, r * 3 + 3), after[W0].subarray(r * 3, r * 3 + 3)).length === 3;
          const still = changed(before[W0].subarray(r * 3, r * 3 + 3), after[W0].subarray(r * 3, r * 3 + 3)).length === 0;
          assert(q === win ? moved : still, `${optimizer} ${W0} unit ${u} channel ${q} (winner ${win})`);
          assertEquals(before[B0][r] !== after[B0][r], q === win, `${optimizer} ${B0} unit ${u} channel ${q}`);
        }
      }
    }
  }
});

test("GenericNetwork.train() Maxout without skipZero: the losing channel is outside the update (no L1, no ADADELTA decay, no max_w2)", async () => {
  // Spec §3.1/§5.5: only the winning channel's weights and bias are updated and constrained;
  // with fast_mode off H2O still visits only the winner's row, so the loser keeps everything.
  const o: NetOptions = {
    units: [3, 2, 1], activation: "Maxout", optimizer: "adadelta", optimizerParams: ADADELTA, skipZero: false, seed: 2,
    terms: [l1(0.01)], constraints: [maxW2(2)],
  };
  const t = makeNet(o);
  t.write({ "weights.0": [3, 3, 3, -3, -3, -3, 3, 3, 3, -3, -3, -3], "biases.0": [0.5, 0.4, 0.3, 0.2] }); // norm² 27 per row
  fillSlots(t);
  const before = t.read();
  const tr = forwardTrace(before, [3, 2, 1], activations.get("Maxout"), ROW3[0]);
  await t.train(packDense(ROW3, [2]), [0]);
  const after = t.read();
  const problems: string[] = [];
  for (let u = 0; u < 2; u++) {
    const win = tr.z[0][2 * u + 1] > tr.z[0][2 * u] ? 1 : 0;
    const r = 2 * u + (1 - win);
    for (const name of ["weights.0", "weights.0.slot0", "weights.0.slot1"]) {
      if (changed(before[name].subarray(r * 3, r * 3 + 3), after[name].subarray(r * 3, r * 3 + 3)).length) problems.push(`${name} row ${r} (losing channel of unit ${u})`);
    }
    for (const name of ["biases.0", "biases.0.slot0", "biases.0.slot1"]) if (before[name][r] !== after[name][r]) problems.push(`${name}[${r}] (losing channel)`);
    const w = 2 * u + win;
    const norm = after["weights.0"].subarray(w * 3, w * 3 + 3).reduce((s, v) => s + v * v, 0);
    if (Math.abs(norm - 2) > 1e-9) problems.push(`winning row ${w} norm² ${norm}, want 2`);
  }
  assertEquals(problems, []);
});

test("GenericNetwork.train() Maxout ties go to channel 0", async () => {
  const t = makeNet({ units: [2, 1, 1], activation: "Maxout", optimizerParams: SGD, seed: 4 });
  t.write({ "weights.0": [0.5, 0.25, 0.5, 0.25], "biases.0": [0.1, 0.1], "weights.1": [1], "biases.1": [0] });
  const before = t.read();
  await t.train(packDense([[1, 2]], [3]), [0]);
  const after = t.read();
  assert(changed(before["weights.0"].subarray(0, 2), after["weights.0"].subarray(0, 2)).length === 2, "channel 0 should learn");
  assertEquals(after["weights.0"].subarray(2, 4), before["weights.0"].subarray(2, 4), "channel 1 should not");
});

// ── Optimizer rules as the engine applies them ───────────────────────────────────────────────

test("GenericNetwork.train() ADADELTA biases accumulate their own squared gradient (Q12 documented)", async () => {
  const base: NetOptions = { units: [3, 2, 1], activation: "Tanh", seed: 8 };
  const sgd = makeNet({ ...base, optimizerParams: { rate: 1, rate_annealing: 0, rate_decay: 1 } });
  const b0 = sgd.read();
  await sgd.train(packDense(ROW3, [1.2]), [0]);
  const gb = b0["biases.1"][0] - sgd.read()["biases.1"][0]; // rate 1: the bias gradient itself
  const gw = b0["weights.1"].map((w, i) => w - sgd.read()["weights.1"][i]);
  const ada = makeNet({ ...base, optimizer: "adadelta", optimizerParams: ADADELTA });
  await ada.train(packDense(ROW3, [1.2]), [0]);
  const s = ada.read();
  const { rho, epsilon } = ADADELTA;
  assertClose(s["biases.1.slot1"][0], (1 - rho) * gb * gb, { rtol: 1e-12, message: "E[g²] of the output bias" });
  const rate = Math.sqrt(epsilon / ((1 - rho) * gb * gb + epsilon));
  assertClose(s["biases.1"][0], b0["biases.1"][0] - rate * gb, { rtol: 1e-12, message: "output bias after one step" });
  // H2O's code (Q12) would feed the mean squared weight gradient instead; it differs here.
  const meanW = gw.reduce((a, g) => a + g * g, 0) / gw.length;
  assert(Math.abs(meanW - gb * gb) > 1e-6, "test setup: the two rules must differ");
});

test("GenericNetwork.train() anneals the rate by the model's sample count and decays it per layer", async () => {
  const base: NetOptions = { units: [3, 2, 1], activation: "Tanh", seed: 12 };
  const delta = async (params: Record<string, number>, samples: number) => {
    const t = makeNet({ ...base, optimizerParams: params });
    const b = t.read();
    await t.train(packDense(ROW3, [1]), [0], { samples });
    const a = t.read();
    return { w0: b["weights.0"][0] - a["weights.0"][0], w1: b["weights.1"][0] - a["weights.1"][0] };
  };
  const ref = await delta({ rate: 0.01, rate_annealing: 0, rate_decay: 1 }, 0);
  const annealed = await delta({ rate: 0.01, rate_annealing: 1e-4, rate_decay: 1 }, 1e4);
  assertClose(annealed.w0, ref.w0 / 2, { rtol: 1e-12, message: "rate halves after 1/rate_annealing samples" });
  assertClose(annealed.w1, ref.w1 / 2, { rtol: 1e-12 });
  const decayed = await delta({ rate: 0.01, rate_annealing: 0, rate_decay: 0.5 }, 0);
  assertClose(decayed.w0, ref.w0, { rtol: 1e-12, message: "first hidden layer: rate" });
  assertClose(decayed.w1, ref.w1 * 0.5, { rtol: 1e-12, message: "output layer of one hidden layer: rate·decay" });
});

test("momentumSchedule() ramps momentum linearly from start to stable (Q13 documented) and scales the step by 1 − m", () => {
  const p = { rate: 0.1, rate_annealing: 0, rate_decay: 1, momentum_start: 0.5, momentum_ramp: 1000, momentum_stable: 0.9 };
  const at = (samples: number) => momentumSchedule(p, { layer: 1, samples });
  assertClose(at(0).step_momentum, 0.5);
  assertClose(at(250).step_momentum, 0.6);
  assertClose(at(500).step_momentum, 0.7);
  assertClose(at(1000).step_momentum, 0.9);
  assertClose(at(5e6).step_momentum, 0.9);
  assertClose(at(500).step_rate, 0.1 * 0.3);
  // The engine passes the real sample count: a momentum step at 500 samples uses m = 0.7.
  const o = optimizers.get("momentum");
  const s = new Float64Array(1);
  s[0] = 1; // previous velocity
  const w = o.step(0, 2, s, at(500));
  assertClose(w, 0.7 * 1 - 0.03 * 2);
});

test("nesterov optimizer is Nesterov's accelerated gradient with the look-ahead gradient (Q14 documented)", () => {
  // Minimize f(w) = ½·a·w²; classical NAG: v ← m·v − r·∇f(w + m·v); w ← w + v. The optimizer
  // keeps the look-ahead point θ = w + m·v (Bengio et al. 2012) and is handed ∇f(θ).
  const a = 3, m = 0.8, rate = 0.05;
  const p = momentumSchedule({ rate, rate_annealing: 0, rate_decay: 1, momentum_start: m, momentum_ramp: 0, momentum_stable: m }, { layer: 1, samples: 0 });
  const r = p.step_rate; // rate·(1 − m)
  const o = optimizers.get("nesterov");
  const s = new Float64Array(1);
  let theta = 1;
  let w = 1, v = 0;
  for (let k = 0; k < 25; k++) {
    theta = o.step(theta, a * theta, s, p);
    v = m * v - r * a * (w + m * v);
    w = w + v;
    assertClose(theta, w + m * v, { rtol: 1e-10, atol: 1e-14, message: `step ${k}` });
  }
  // Heavy-ball momentum (the "momentum" optimizer) follows a different path.
  const hb = optimizers.get("momentum");
  const s2 = new Float64Array(1);
  let w2 = 1;
  for (let k = 0; k < 25; k++) w2 = hb.step(w2, a * w2, s2, p);
  assert(Math.abs(w2 - theta) > 1e-6, "nesterov and momentum should differ");
});

test("GenericNetwork.train() consecutive samples do not leak errors: two rows in one call equal two calls", async () => {
  const base: NetOptions = { units: [3, 4, 2, 1], activation: "Rectifier", optimizer: "adadelta", optimizerParams: ADADELTA, skipZero: true, seed: 21 };
  const rows = packDense([[0.3, -1.2, 0.8], [1.1, 0.4, -0.2]], [1, -1]);
  const one = makeNet(base);
  await one.train(rows, [0, 1]);
  const two = makeNet(base);
  await two.train(rows, [0]);
  await two.train(rows, [1], { samples: 1 });
  assertEquals(one.read(), two.read());
});

test("GenericNetwork trains and predicts identically from CSR and dense rows (weights included)", async () => {
  const X = [[0, 1.5, 0, 0, -2], [0.7, 0, 0, 3, 0], [0, 0, 0, 0, 1], [1, 1, 0, 0, 0]];
  const target = [0.5, -1, 2, 0.1];
  const weight = [1, 2, 0.5, 1];
  const dense = packDense(X, target, weight);
  const indptr = [0], index: number[] = [], value: number[] = [];
  for (const row of X) {
    row.forEach((v, i) => v !== 0 && (index.push(i), value.push(v)));
    indptr.push(index.length);
  }
  const csr = { ...dense, dense: null, csr: { indptr: Int32Array.from(indptr), index: Int32Array.from(index), value: Float64Array.from(value) } };
  const o: NetOptions = { units: [5, 4, 1], activation: "Rectifier", optimizer: "adadelta", optimizerParams: ADADELTA, skipZero: true, dropout: [0.2, 0.3], seed: 13, miniBatch: 2 };
  const a = makeNet(o), b = makeNet(o);
  await a.train(dense, [3, 1, 0, 2], { pass: 1 });
  await b.train(csr, [3, 1, 0, 2], { pass: 1 });
  assertEquals(a.read(), b.read());
  assertEquals(await a.predict(dense), await b.predict(csr));
});
