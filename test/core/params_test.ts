/**
 * Parameter declarations and parsing (core/params.ts) with the real Deep Learning table
 * (core/train/parameters.ts): coercion, ranges, enums, names, defaults and collected messages.
 */
import { assert, assertEquals, assertThrows, test } from "../_harness.ts";
import {
  checkRange, coerce, describeAllowed, type ParamSpecs, parseParams, resolveName, throwOnErrors, unknownMessage, wireName,
} from "../../core/params.ts";
import { deepLearningParams } from "../../core/train/parameters.ts";
import { paramSpecs } from "../../core/train/resolve.ts";
import * as builtins from "../../plugins/mod.ts";
import { defineOptimizer } from "../../core/optimizer.ts";
import { createPlugins } from "../../plugins/mod.ts";

/** The whole table: the engine's parameters and the built-in plugins' own. */
const DL = paramSpecs(builtins);

const errorsOf = (input: Record<string, unknown>, specs: ParamSpecs = DL) => parseParams(specs, input).messages.filter((m) => m.level === "error");

test("parseParams() fills every declared default and copies array defaults", () => {
  const { params, messages } = parseParams(DL, {});
  assertEquals(messages, []);
  assertEquals(Object.keys(params).sort(), Object.keys(DL).sort());
  assertEquals(params.epochs, 10);
  assertEquals(params.hidden, [200, 200]);
  assertEquals(params.activation, "Rectifier");
  assertEquals(params.stopping_rounds, 5);
  assertEquals(params.stopping_tolerance, 0);
  (params.hidden as number[]).push(7);
  assertEquals(parseParams(DL, {}).params.hidden, [200, 200], "mutating a parsed default must not change the declaration");
  assertEquals(DL.hidden.default, [200, 200]);
});

test("parseParams() coerces strings from the command line or a form", () => {
  const { params, messages } = parseParams(DL, {
    epochs: "2.5", hidden: "32,16", seed: "-7", standardize: "false", fast_mode: "no", reproducible: "1",
    max_w2: "inf", hidden_dropout_ratios: "[0.1, 0.2]", ignored_columns: "a, b c", response_column: "y",
  });
  assertEquals(messages, []);
  assertEquals(params.epochs, 2.5);
  assertEquals(params.hidden, [32, 16]);
  assertEquals(params.seed, -7);
  assertEquals([params.standardize, params.fast_mode, params.reproducible], [false, false, true]);
  assertEquals(params.max_w2, Infinity);
  assertEquals(params.hidden_dropout_ratios, [0.1, 0.2]);
  assertEquals(params.ignored_columns, ["a", "b", "c"]);
  assertEquals(params.response_column, "y");
});

test("parseParams() keeps typed values and accepts an empty hidden list", () => {
  const { params, messages } = parseParams(DL, { epochs: 3, hidden: [], adaptive_rate: false, l1: 0 });
  assertEquals(messages, []);
  assertEquals([params.epochs, params.hidden, params.adaptive_rate, params.l1], [3, [], false, 0]);
  assertEquals(parseParams(DL, { hidden: "" }).params.hidden, []);
});

test("parseParams() matches enum values case-insensitively and without underscores", () => {
  const p = (v: string) => parseParams(DL, { activation: v });
  assertEquals(p("tanh").params.activation, "Tanh");
  assertEquals(p("RECTIFIERWITHDROPOUT").params.activation, "RectifierWithDropout");
  assertEquals(p("maxout_with_dropout").params.activation, "MaxoutWithDropout");
  assertEquals(parseParams(DL, { distribution: "Gaussian" }).params.distribution, "gaussian");
  assertEquals(parseParams(DL, { loss: "crossentropy" }).params.loss, "CrossEntropy");
  const bad = p("Sigmoid");
  assertEquals(bad.params.activation, "Rectifier", "a bad value keeps the default");
  assertEquals(bad.messages.length, 1);
  assertEquals(bad.messages[0].field, "activation");
  assert(bad.messages[0].message.includes("Tanh | TanhWithDropout"), bad.messages[0].message);
  assert(bad.messages[0].message.includes(`"Sigmoid"`), bad.messages[0].message);
});

test("parseParams() rejects values outside the declared range, per element for lists", () => {
  const cases: [Record<string, unknown>, string][] = [
    [{ epochs: -1 }, "epochs"],
    [{ rho: 0 }, "rho"], // exclusive minimum
    [{ rho: 1.5 }, "rho"],
    [{ input_dropout_ratio: 1 }, "input_dropout_ratio"], // exclusive maximum
    [{ hidden: [10, 0] }, "hidden"],
    [{ hidden_dropout_ratios: [0.5, 1.2] }, "hidden_dropout_ratios"],
    [{ tweedie_power: 2 }, "tweedie_power"],
    [{ train_samples_per_iteration: -3 }, "train_samples_per_iteration"],
  ];
  for (const [input, field] of cases) {
    const e = errorsOf(input);
    assertEquals(e.length, 1, `${JSON.stringify(input)}: ${JSON.stringify(e)}`);
    assertEquals(e[0].field, field);
    assert(e[0].message.includes(`"${field}"`), e[0].message);
  }
  assertEquals(errorsOf({ rho: 1, input_dropout_ratio: 0, hidden: [1], tweedie_power: 1.0001 }), [], "inclusive bounds and edges");
});

test("parseParams() rejects values of the wrong type with what it wants", () => {
  const cases: [Record<string, unknown>, string, string][] = [
    [{ epochs: "ten" }, "epochs", "float"],
    [{ seed: "1.5" }, "seed", "int"],
    [{ standardize: "maybe" }, "standardize", "true | false"],
    [{ hidden: "32,x" }, "hidden", "comma-separated ints"],
    [{ hidden: [3.5] }, "hidden", "ints"],
    [{ epochs: "" }, "epochs", "float"],
  ];
  for (const [input, field, want] of cases) {
    const e = errorsOf(input);
    assertEquals(e.length, 1, JSON.stringify(input));
    assertEquals(e[0].field, field);
    assert(e[0].message.includes(want), `${e[0].message} should say ${want}`);
  }
});

test("parseParams() collects every error instead of stopping at the first", () => {
  const e = errorsOf({ epochs: -1, activation: "Sigmoid", hiden: [3], rho: 2 });
  assertEquals(e.map((m) => m.field).sort(), ["activation", "epochs", "hiden", "rho"]);
});

test("parseParams() suggests the closest name for an unknown one", () => {
  const e = errorsOf({ epoch: 3 });
  assertEquals(e[0].field, "epoch");
  assert(e[0].message.includes(`Unknown parameter "epoch"`) && e[0].message.includes(`did you mean "epochs"`), e[0].message);
  assert(unknownMessage(DL, "hiden").includes(`"hidden"`), unknownMessage(DL, "hiden"));
  assert(unknownMessage(DL, "inputDropoutRatios").includes(`"input_dropout_ratio"`), unknownMessage(DL, "inputDropoutRatios"));
  assert(!unknownMessage(DL, "zzzzzzzzzzzzzzzz").includes("did you mean"), "no suggestion for a far name");
});

test("wireName() and resolveName() accept kebab-case, camelCase and declared aliases", () => {
  assertEquals(wireName("input-dropout-ratio"), "input_dropout_ratio");
  assertEquals(wireName("inputDropoutRatio"), "input_dropout_ratio");
  assertEquals(wireName("maxW2"), "max_w2");
  assertEquals(wireName("l1"), "l1");
  assertEquals(wireName("stopping_rounds"), "stopping_rounds");
  assertEquals(resolveName(DL, "y"), "response_column");
  assertEquals(resolveName(DL, "maxW2"), "max_w2");
  assertEquals(resolveName(DL, "mini-batch-size"), "mini_batch_size");
  assertEquals(resolveName(DL, "nope"), undefined);
  const { params, messages } = parseParams(DL, { y: "label", "input-dropout-ratio": "0.2", scoreEachIteration: "true" });
  assertEquals(messages, []);
  assertEquals([params.response_column, params.input_dropout_ratio, params.score_each_iteration], ["label", 0.2, true]);
});

test("coerce() passes null through and checkRange() / describeAllowed() describe bounds", async () => {
  assertEquals(coerce("validation_frame", DL.validation_frame, null), null);
  await assertThrows(() => coerce("epochs", DL.epochs, "x"), TypeError, `"epochs"`);
  assertEquals(describeAllowed(DL.rho), "float, > 0 and ≤ 1");
  assertEquals(describeAllowed(DL.hidden), "comma-separated ints, ≥ 1");
  assertEquals(checkRange("rho", DL.rho, 0.5), undefined);
  assert(checkRange("rho", DL.rho, 0)!.includes("> 0"), "exclusive bound named");
  assertEquals(checkRange("hidden", DL.hidden, [1, 2]), undefined);
});

test("throwOnErrors() throws one RangeError listing every error and ignores warnings", async () => {
  throwOnErrors("Cannot train", [{ level: "warn", field: "x", message: "just a warning" }]);
  const e = await assertThrows(() => throwOnErrors("Cannot train", [
    { level: "error", field: "a", message: "first problem" },
    { level: "info", field: "b", message: "note" },
    { level: "error", field: "c", message: "second problem" },
  ]), RangeError, "Cannot train");
  assert(e.message.includes("first problem") && e.message.includes("second problem") && !e.message.includes("note"), e.message);
});

test("the parameter table declares H2O's defaults (spec §16)", () => {
  const d = (k: string) => DL[k].default;
  assertEquals([d("rho"), d("epsilon"), d("rate"), d("rate_annealing"), d("rate_decay")], [0.99, 1e-8, 0.005, 1e-6, 1]);
  assertEquals([d("momentum_start"), d("momentum_ramp"), d("momentum_stable"), d("nesterov_accelerated_gradient")], [0, 1e6, 0, true]);
  assertEquals([d("adaptive_rate"), d("fast_mode"), d("standardize"), d("use_all_factor_levels"), d("overwrite_with_best_model")], [true, true, true, true, true]);
  assertEquals([d("score_interval"), d("score_training_samples"), d("score_duty_cycle"), d("classification_stop"), d("regression_stop")], [5, 10000, 0.1, 0, 1e-6]);
  assertEquals([d("train_samples_per_iteration"), d("max_categorical_features"), d("huber_alpha"), d("quantile_alpha"), d("tweedie_power")], [-2, 2147483647, 0.9, 0.5, 1.5]);
  assertEquals(d("max_w2"), 3.4028234663852886e38);
  for (const [name, spec] of Object.entries(DL)) {
    assert(spec.help.trim().length > 0, `${name} has no help`);
    if (spec.type === "enum") assert(spec.values!.includes(spec.default as string), `${name}: default ${spec.default} not among its values`);
    if (typeof spec.default === "number" && !["seed"].includes(name)) {
      assertEquals(checkRange(name, spec, spec.default), undefined, `${name}'s default is outside its own range`);
    }
  }
});

test("every parameter has H2O's level; plugin parameters are declared by their plugins only", () => {
  for (const [name, spec] of Object.entries(DL)) assert(["critical", "secondary", "expert"].includes(spec.level!), `${name} has no level`);
  assertEquals([DL.hidden.level, DL.epochs.level, DL.l1.level, DL.rho.level], ["critical", "critical", "secondary", "expert"]);
  for (const name of ["rho", "epsilon", "rate", "l1", "l2", "max_w2", "huber_alpha", "quantile_alpha", "tweedie_power", "input_dropout_ratio"]) {
    assert(!(name in deepLearningParams), `${name} is redeclared by the engine`);
    assert(name in DL, `${name} is missing from the table`);
  }
});

test("a plugin parameter whose name is taken gets the plugin's namespace, and reaches the plugin", async () => {
  const p = createPlugins();
  let seen: Record<string, number> = {};
  p.optimizers.add(defineOptimizer({
    name: "adam", summary: "t", slots: 0,
    params: { epsilon: { type: "float", default: 1e-3, help: "Adam's" }, epochs: { type: "float", default: 1, help: "x" }, beta1: { type: "float", default: 0.9, help: "b" } },
    step: (w, _g, _s, q) => ((seen = q), w), vectors: [{ params: {}, w0: 0, gradients: [0], weights: [0] }],
  }));
  const specs = paramSpecs(p);
  assert("adam.epsilon" in specs && "adam.epochs" in specs && "beta1" in specs && !("adam.beta1" in specs), Object.keys(specs).filter((k) => k.startsWith("adam") || k === "beta1").join(", "));
  assertEquals(specs.epsilon.default, 1e-8, "ADADELTA keeps H2O's epsilon");
  const { resolvePlan } = await import("../../core/train/resolve.ts");
  const { Frame } = await import("../../frame/frame.ts");
  const f = new Frame([{ name: "x", type: "numeric", data: [1, 2, 3] }, { name: "y", type: "numeric", data: [1, 3, 2] }]);
  const plan = resolvePlan({ response_column: "y", optimizer: "adam", "adam.epsilon": 0.5, epsilon: 1e-6 }, f, p);
  assertEquals([plan.optimizerParams.epsilon, plan.optimizerParams.epochs, plan.optimizerParams.beta1], [0.5, 1, 0.9]);
  assert(plan.messages.some((m) => m.level === "warn" && m.message.includes(`"epsilon"`)), "ADADELTA's epsilon is said to be ignored under adam");
  void seen;
});
