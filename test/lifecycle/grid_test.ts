/**
 * Grid search (spec §11): the hyper-parameter space (gridable parameters only, from the
 * declarations), the Cartesian and RandomDiscrete walks, search criteria, budgets, H2O's seed
 * rule, invalid combinations skipped, models saved as they finish, cancellation, the sorted
 * leaderboard, and `tide grid`.
 */
import { mkdtemp, readdir } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { assert, assertEquals, assertThrows, test } from "../_harness.ts";
import { referenceBackend } from "../../backends/reference/reference.ts";
import { memoryIo } from "../../cli/_io.ts";
import { main } from "../../cli/main.ts";
import { paramSpecs } from "../../core/train/resolve.ts";
import type { ModelData } from "../../core/train/train.ts";
import { gridSearch } from "../../lifecycle/grid/grid.ts";
import { sortModels } from "../../lifecycle/grid/leaderboard.ts";
import { cartesian, parseHyperParams, parseSearchCriteria, randomDiscrete } from "../../lifecycle/grid/space.ts";
import { DeepLearningModel } from "../../model/model.ts";
import * as plugins from "../../plugins/mod.ts";
import { blobs } from "../model/_data.ts";
import { irisFiles } from "../cli/_iris.ts";

const specs = paramSpecs(plugins);
const backend = referenceBackend();
const tmp = () => mkdtemp(join(tmpdir(), "tide-grid-"));

test("parseHyperParams accepts exactly the parameters declared gridable", () => {
  for (const [name, spec] of Object.entries(specs)) {
    const example = spec.default ?? (spec.type.endsWith("[]") ? [1] : spec.type === "string" ? "x" : 1);
    const { messages } = parseHyperParams({ [name]: [example] }, specs);
    const refused = messages.some((m) => m.message.includes("not gridable") || m.message.includes("cannot be searched"));
    const gridInput = name === "validation_frame" || name === "response_column"; // given to the grid itself
    assertEquals(refused, !spec.gridable || gridInput, `${name} (gridable: ${!!spec.gridable}): ${messages.map((m) => m.message).join("; ")}`);
  }
});

test("parseHyperParams: unknown names, empty lists, bad values, duplicates and fixed parameters are errors naming the field", () => {
  const fields = (raw: unknown, fixed = {}) => parseHyperParams(raw, specs, fixed).messages.map((m) => m.field);
  assertEquals(fields({ hiden: [[8]] }), ["hyper_params.hiden"]);
  assert(parseHyperParams({ hiden: [[8]] }, specs).messages[0].message.includes(`did you mean "hidden"`));
  assertEquals(fields({ l1: [] }), ["hyper_params.l1"]);
  assertEquals(fields({ l1: [-1, 0] }), ["hyper_params.l1"]);
  assertEquals(fields({ activation: ["Tanh", "Tanh"] }), ["hyper_params.activation"]);
  assertEquals(fields({ l1: [0, 1e-5] }, { l1: 1e-3 }), ["hyper_params.l1"]);
  assertEquals(fields("{not json"), ["hyper_params"]);
  const { space, messages } = parseHyperParams(`{"hidden":[[4],[8,8]],"subspaces":[{"l1":[0,1e-5]},{"l2":[0.1]}]}`, specs);
  assertEquals(messages, []);
  assertEquals(space.size, 6);
  assertEquals(space.spaces[1], { hidden: [[4], [8, 8]], l2: [0.1] });
});

test("Cartesian walks in odometer order (first parameter fastest); RandomDiscrete visits each combination once, seeded", () => {
  const { space } = parseHyperParams({ l1: [0, 1], l2: [0, 2], epochs: [1, 3] }, specs);
  const cart = [...cartesian(space)].map((c) => [c.l1, c.l2, c.epochs].join());
  assertEquals(cart.slice(0, 4), ["0,0,1", "1,0,1", "0,2,1", "1,2,1"]);
  assertEquals(cart.length, 8);
  const a = [...randomDiscrete(space, 42)].map((c) => JSON.stringify(c));
  assertEquals(new Set(a).size, 8);
  assertEquals(a, [...randomDiscrete(space, 42)].map((c) => JSON.stringify(c)));
  assert(a.join() !== cart.join(), "random order differs from the Cartesian order");
});

test("parseSearchCriteria: H2O's defaults; RandomDiscrete-only criteria refused with Cartesian; unknown keys named", () => {
  const { criteria } = parseSearchCriteria(`{"strategy":"RandomDiscrete","max_models":3}`);
  assertEquals([criteria.strategy, criteria.max_models, criteria.seed, criteria.stopping_tolerance, criteria.stopping_metric], ["RandomDiscrete", 3, -1, 0.001, "AUTO"]);
  assertEquals(parseSearchCriteria({ max_models: 3 }).messages.map((m) => m.field), ["search_criteria.max_models"]);
  assertEquals(parseSearchCriteria({ strategy: "Random", max_model: 1 }).messages.map((m) => m.field), ["search_criteria.strategy", "search_criteria.max_model"]);
});

test("gridSearch: invalid combinations skipped, each model saved, sorted leaderboard, grid seed + m per model", async () => {
  const dir = await tmp();
  const grid = await gridSearch({
    y: "cls", training_frame: blobs(80, 1), validation_frame: blobs(40, 2), backend, out_dir: dir, grid_id: "g",
    params: { epochs: 1, activation: "Tanh" },
    hyper_params: { hidden: [[2], [6]], hidden_dropout_ratios: [[0.1], [0]] },
    search_criteria: { strategy: "RandomDiscrete", seed: 10 },
  });
  assertEquals(grid.failures.length, 2, "dropout ratio 0.1 needs a …WithDropout activation");
  assert(grid.failures.every((f) => (f.hyperParams.hidden_dropout_ratios as number[])[0] === 0.1 && f.error.includes("hidden_dropout_ratios")));
  assertEquals(grid.models.length, 2);
  assertEquals((await readdir(dir)).filter((f) => f.endsWith(".tide")).sort(), grid.models.map((g) => `${g.model.modelId}.tide`).sort());
  const loss = grid.models.map((g) => g.model.modelPerformance({ valid: true }).logloss());
  assert(loss[0] <= loss[1], `sorted by validation logloss: ${loss}`);
  for (const g of grid.models) assertEquals(g.model.data.params.seed, 10 + Number(g.model.modelId.split("_").pop()) - 1);
  const back = await DeepLearningModel.load(grid.models[0].path!);
  assertEquals(back.modelId, grid.models[0].model.modelId);
  // decreasing flips the order
  const flipped = sortModels(grid.models.map((g) => g.model), "logloss", true);
  assertEquals(flipped.map((m) => m.modelId), grid.models.map((g) => g.model.modelId).reverse());
});

test("gridSearch budgets: max_models, grid-level early stopping, and cancellation keeping the finished models", async () => {
  const base = { y: "cls", training_frame: blobs(40, 3), backend, params: { epochs: 0.5, hidden: [2], seed: 1 } };
  const hyper = { l1: [0, 1e-4, 1e-3, 1e-2], l2: [0, 1e-3] };
  const capped = await gridSearch({ ...base, hyper_params: hyper, search_criteria: { strategy: "RandomDiscrete", max_models: 3, seed: 1 } });
  assertEquals([capped.status, capped.models.length], ["max_models", 3]);
  const stopped = await gridSearch({ ...base, hyper_params: hyper, search_criteria: { strategy: "RandomDiscrete", seed: 1, stopping_rounds: 1, stopping_tolerance: 1 } });
  assertEquals([stopped.status, stopped.models.length], ["stopped early", 2]);
  const dir = await tmp();
  const controller = new AbortController();
  const cancelled = await gridSearch({
    ...base, hyper_params: hyper, out_dir: dir, signal: controller.signal,
    onEvent: (e) => e.type === "model_done" && e.index === 2 && controller.abort(),
  });
  assertEquals([cancelled.status, cancelled.models.length], ["cancelled", 2]);
  assertEquals((await readdir(dir)).filter((f) => f.endsWith(".tide")).length, 2);
  await assertThrows(() => gridSearch({ ...base, hyper_params: { nfolds: [2] }, parallelism: 2 }), RangeError, `"parallelism" = 2`);
});

test("the leaderboard reads cross-validation metrics before validation and training metrics", () => {
  const fake = (id: string, train: number, valid: number | null, xval: number | null) => ({
    data: {
      modelId: id, problem: "regression",
      output: {
        trainingMetrics: { model_category: "Regression", mean_residual_deviance: train },
        validationMetrics: valid === null ? null : { model_category: "Regression", mean_residual_deviance: valid },
        crossValidationMetrics: xval === null ? undefined : { model_category: "Regression", mean_residual_deviance: xval },
      },
    } as unknown as ModelData,
  });
  const sorted = sortModels([fake("a", 0.1, 0.5, 0.9), fake("b", 0.9, 0.2, null), fake("c", 0.3, null, null)], "residual_deviance", false);
  assertEquals(sorted.map((m) => m.data.modelId), ["b", "c", "a"]);
});

test("tide grid trains, saves and prints the leaderboard; a non-gridable hyper-parameter is a usage error", async () => {
  const files = await irisFiles();
  const dir = join(files.dir, "models");
  const io = memoryIo();
  const code = await main(["grid", "--training_frame", files.train, "--validation_frame", files.test, "--y", "species", "--epochs", "1",
    "--backend", "reference", "--hyper_params", `{"hidden":[[3],[5]]}`, "--out_dir", dir, "--grid_id", "iris", "--sort_by", "err"], io);
  assertEquals(code, 0, io.stderr);
  assert(/hidden\s+model_id\s+err\s+on/.test(io.stdout) && io.stdout.includes("iris_model_2") && io.stdout.includes("valid"), io.stdout);
  assertEquals((await readdir(dir)).sort(), ["iris_model_1.tide", "iris_model_2.tide"]);
  const bad = memoryIo();
  assertEquals(await main(["grid", "--training_frame", files.train, "--y", "species", "--hyper_params", `{"mini_batch_size":[1,2]}`, "--out_dir", dir], bad), 2);
  assert(bad.stderr.includes(`"mini_batch_size" cannot be searched`), bad.stderr);
});
