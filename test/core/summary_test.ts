/**
 * The model summary ("Status of Neuron Layers", spec §7.5) and the instability guard (§5.7)
 * through core/train/summary.ts.
 */
import { assert, assertClose, assertEquals, test } from "../_harness.ts";
import type { Optimizer } from "../../core/optimizer.ts";
import { bestModelNote, formatScoringHistory, instability, type LayerRow, layerTable, type SummaryContext } from "../../core/train/summary.ts";
import { optimizers } from "../../plugins/mod.ts";

/** State for units [3, 2, 2] with given optimizer slots (values chosen by hand). */
function state(slots: number): Record<string, Float64Array> {
  const st: Record<string, Float64Array> = {
    "weights.0": Float64Array.from([1, 2, 3, 4, 5, 6]),
    "biases.0": Float64Array.from([0.5, 1.5]),
    "weights.1": Float64Array.from([-1, 1, -3, 3]),
    "biases.1": Float64Array.from([0, 0]),
  };
  for (let m = 0; m < 2; m++) {
    for (let k = 0; k < slots; k++) {
      st[`weights.${m}.slot${k}`] = new Float64Array(st[`weights.${m}`].length);
      st[`biases.${m}.slot${k}`] = new Float64Array(st[`biases.${m}`].length);
    }
  }
  return st;
}

function ctx(optimizer: Optimizer, o: Partial<SummaryContext> = {}): SummaryContext {
  return {
    units: [3, 2, 2], activation: "Rectifier", hiddenDropout: false, output: "softmax", dropout: [0, 0], l1: 0, l2: 0,
    optimizer, optimizerParams: { rho: 0.99, epsilon: 1e-8, rate: 0.01, rate_annealing: 0, rate_decay: 0.5, momentum_start: 0, momentum_ramp: 100, momentum_stable: 0.5 },
    samples: 0, ...o,
  };
}

test("layerTable() lists an input row, hidden rows and the output row with H2O's types and dropout percentages", () => {
  const t = layerTable(state(2), ctx(optimizers.get("adadelta"), { hiddenDropout: true, dropout: [0.2, 0.5], l1: 1e-5, l2: 0.1 }));
  assertEquals(t.map((r) => [r.layer, r.units, r.type]), [[1, 3, "Input"], [2, 2, "RectifierDropout"], [3, 2, "Softmax"]]);
  assertClose(t[0].dropout, 20);
  assertClose(t[1].dropout, 50);
  assert(Number.isNaN(t[2].dropout), "the output layer has no dropout");
  assertEquals([t[1].l1, t[1].l2], [1e-5, 0.1]);
  assert(Number.isNaN(t[0].mean_weight), "the input layer has no weights");
  const lin = layerTable(state(2), ctx(optimizers.get("adadelta"), { output: "linear", activation: "Tanh" }));
  assertEquals(lin.map((r) => r.type), ["Input", "Tanh", "Linear"]);
});

test("layerTable() reports the mean and RMS (deviation from the mean) of weights and biases per layer", () => {
  const t = layerTable(state(2), ctx(optimizers.get("adadelta")));
  assertClose(t[1].mean_weight, 3.5);
  assertClose(t[1].weight_rms, Math.sqrt(17.5 / 6));
  assertClose([t[1].mean_bias, t[1].bias_rms], [1, 0.5]);
  assertClose([t[2].mean_weight, t[2].weight_rms], [0, Math.sqrt(5)]);
});

test("layerTable() ADADELTA mean rate is sqrt((E[Δw²] + ε)/(E[g²] + ε)) averaged over the weights", () => {
  const st = state(2);
  assertClose(layerTable(st, ctx(optimizers.get("adadelta")))[1].mean_rate, 1, { message: "zero slots: rate 1" });
  st["weights.0.slot1"].set([1e-8, 1e-8, 1e-8, 3e-8, 3e-8, 3e-8]); // rates 1/√2 and 1/2
  const row = layerTable(st, ctx(optimizers.get("adadelta")))[1];
  assertClose(row.mean_rate, (Math.SQRT1_2 + 0.5) / 2, { rtol: 1e-9 });
  assertClose(row.rate_rms, (Math.SQRT1_2 - 0.5) / 2, { rtol: 1e-6 });
  assertEquals(row.momentum, 0);
});

test("layerTable() manual rate: the annealed, layer-decayed rate and the ramped momentum at the true sample count", () => {
  const t = layerTable(state(1), ctx(optimizers.get("nesterov"), { samples: 50 }));
  assertClose(t[1].momentum, 0.25, { message: "half-way up the ramp" });
  assertClose(t[1].mean_rate, 0.01 * 0.75);
  assertClose(t[2].mean_rate, 0.01 * 0.5 * 0.75, { message: "rate_decay for the second matrix" });
  const sgd = layerTable(state(0), ctx(optimizers.get("sgd")));
  assertClose([sgd[1].mean_rate, sgd[2].mean_rate], [0.01, 0.005]);
  assertEquals(sgd[1].rate_rms, 0);
});

test("instability() flags NaN, huge weights and huge biases and names the layer; sane models pass", () => {
  const ok: LayerRow = { layer: 2, units: 4, type: "Tanh", dropout: 0, l1: 0, l2: 0, mean_rate: 1, rate_rms: 0, momentum: 0, mean_weight: 0.1, weight_rms: 1, mean_bias: 0, bias_rms: 1 };
  const input = { ...ok, layer: 1, mean_weight: NaN, weight_rms: NaN, mean_bias: NaN, bias_rms: NaN };
  assertEquals(instability([input, ok]), undefined, "the input row's NaN statistics do not count");
  for (const [field, value] of [["mean_weight", NaN], ["mean_weight", -2e10], ["weight_rms", 2e10], ["mean_bias", 2e5], ["bias_rms", 2e5], ["bias_rms", NaN]] as const) {
    const msg = instability([input, ok, { ...ok, layer: 3, [field]: value }]);
    assert(msg !== undefined && msg.includes("layer 3"), `${field} = ${value}: ${msg}`);
  }
  assertEquals(instability([input, { ...ok, mean_weight: 9e9, weight_rms: 9e9, mean_bias: -9e4, bias_rms: 9e4 }]), undefined, "just below the limits");
});

// ── Scoring history (spec §7.4) ──────────────────────────────────────────────────────────────

const placeholder = { timestamp: "2026-12-03 15:00:00", duration: "0.000 sec", training_speed: "", epochs: 0, iterations: 0, samples: 0 };
const scored = (epochs: number, logloss: number) => ({
  timestamp: "2026-12-03 15:00:01", duration: "1.000 sec", training_speed: "1000 obs/sec", epochs, iterations: epochs, samples: 100 * epochs,
  training_rmse: 0.5, training_logloss: logloss, training_r2: 0.9, training_classification_error: 0.1,
  validation_rmse: 0.6, validation_logloss: logloss + 0.1, validation_r2: 0.8, validation_classification_error: 0.2,
});

test("formatScoringHistory() prints H2O's columns in H2O's order, nan for the placeholder's metrics", () => {
  const text = formatScoringHistory([placeholder, scored(1, 0.5), scored(2, 0.25)]);
  const lines = text.split("\n");
  assertEquals(lines[0], "Scoring History:");
  assertEquals(lines[1].trim().split(/\s+/), [
    "timestamp", "duration", "training_speed", "epochs", "iterations", "samples", "training_rmse", "training_logloss", "training_r2",
    "training_classification_error", "validation_rmse", "validation_logloss", "validation_r2", "validation_classification_error",
  ]);
  assert(/^-+( +-+)+$/.test(lines[2]), lines[2]);
  assertEquals(lines.length, 6);
  assertEquals(lines[3].trim().split(/\s{2,}/).slice(0, 8), ["1", "2026-12-03 15:00:00", "0.000 sec", "0", "0", "0", "nan", "nan"]);
  assertEquals(lines[5].trim().split(/\s{2,}/), ["3", "2026-12-03 15:00:01", "1.000 sec", "1000 obs/sec", "2", "2", "200", "0.5", "0.25", "0.9", "0.1", "0.6", "0.35", "0.8", "0.2"]);
});

test("bestModelNote() names the scoring event a restored best model comes from", () => {
  const rows = [placeholder, scored(1, 0.5), scored(2, 0.3), scored(3, 0.4), { ...scored(3, 0.3), epochs: 3 }];
  assertEquals(bestModelNote(rows, true), "overwrite_with_best_model: the final model is the best one scored, from the scoring event at epoch 2 (row 3 of the scoring history); row 5 scores it again after restoring it.");
  assertEquals(bestModelNote(rows, false), "");
  assert(bestModelNote([placeholder, scored(1, 0.5), scored(2, 0.3)], true).includes("the last one trained"));
});
