/**
 * Model routes (spec §3.12–3.20, §6.4–6.6): builder validation as per-field 412s from the
 * declarations and the engine, training jobs (in-process and in a Worker), the model JSON,
 * metrics, predictions, model files, removal, cancellation and the store folder.
 */
import { mkdtemp, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { assert, assertEquals, test } from "../_harness.ts";
import { parseCsvText } from "../../frame/csv.ts";
import { DeepLearning } from "../../model/deep_learning.ts";
import { splitEngineMessage } from "../../server/routes_models.ts";
import { dlForm, testServer, threeClassCsv } from "./_server.ts";

const fieldsOf = (body: { messages: { field_name: string; message_type: string }[] }) =>
  body.messages.filter((m) => m.message_type === "ERRR").map((m) => m.field_name).sort();

test("ModelBuilders: unknown parameters, bad values, missing frames and columns are 412 H2OModelBuilderErrorV3, one message per field", async () => {
  const s = await testServer();
  try {
    const key = await s.importCsv("data.csv");
    const r = await s.call("POST", "/3/ModelBuilders/deeplearning", dlForm({ training_frame: key, epochs: "x", hidden: "[8,0]", foo: "1", validation_frame: "nope" }));
    assertEquals([r.status, r.body.__meta.schema_name, r.body.error_count], [412, "H2OModelBuilderErrorV3", 4]);
    assertEquals(fieldsOf(r.body), ["epochs", "foo", "hidden", "validation_frame"]);
    assert(r.body.msg.startsWith("Illegal argument(s) for DeepLearning model: "), r.body.msg);
    assert(r.body.messages.find((m: { field_name: string }) => m.field_name === "foo").message.startsWith('Unknown parameter "foo"'));
    const noFrame = await s.call("POST", "/3/ModelBuilders/deeplearning", dlForm({ training_frame: "absent.hex" }));
    assertEquals(fieldsOf(noFrame.body), ["training_frame"]);
    const noY = await s.call("POST", "/3/ModelBuilders/deeplearning", dlForm({ training_frame: key, response_column: "zz" }));
    assertEquals(fieldsOf(noY.body), ["response_column"]);
    // Features the engine does not train yet come back as its own per-field refusal.
    const cv = await s.call("POST", "/3/ModelBuilders/deeplearning", dlForm({ training_frame: key, elastic_averaging: "True" }));
    assertEquals([cv.status, fieldsOf(cv.body)], [412, ["elastic_averaging"]]);
    const ck = await s.call("POST", "/3/ModelBuilders/deeplearning", dlForm({ training_frame: key, checkpoint: "no_such_model" }));
    assertEquals(fieldsOf(ck.body), ["checkpoint"]);
    const reg = await s.call("POST", "/3/ModelBuilders/deeplearning", dlForm({ training_frame: key, distribution: "gaussian" }));
    assertEquals(fieldsOf(reg.body), ["distribution"]);
  } finally {
    await s.close();
  }
});

test("GET /3/ModelBuilders/deeplearning lists every declared parameter with its type, default, level and gridable", async () => {
  const s = await testServer();
  try {
    const params = (await s.call("GET", "/3/ModelBuilders/deeplearning")).body.model_builders.deeplearning.parameters;
    const specs = DeepLearning.parameters();
    assertEquals(params.map((p: { name: string }) => p.name).sort(), Object.keys(specs).sort());
    const hidden = params.find((p: { name: string }) => p.name === "hidden");
    assertEquals([hidden.type, hidden.default_value, hidden.gridable, hidden.level], ["int[]", [200, 200], true, specs.hidden.level ?? "expert"]);
    assertEquals(params.find((p: { name: string }) => p.name === "training_frame").type, "Key<Frame>");
  } finally {
    await s.close();
  }
});

test("splitEngineMessage() names each engine refusal's field", () => {
  const fields = ["nfolds", "loss", "distribution", "response_column"];
  assertEquals(splitEngineMessage('Cannot train: "nfolds" = 5 is not supported by this version of Tide yet; remove it to train; loss "Huber" does not fit distribution gaussian: use Automatic', fields).map((m) => m.field), ["nfolds", "loss"]);
});

test("training over REST equals the library's model for the same seed; model JSON, metrics, predictions, files, removal", async () => {
  const s = await testServer();
  try {
    const key = await s.importCsv("data.csv");
    const built = await s.call("POST", "/3/ModelBuilders/deeplearning", dlForm({ training_frame: key, validation_frame: key, model_id: "m1" }));
    assertEquals([built.status, built.body.job.dest.name, built.body.job.auto_recoverable, Array.isArray(built.body.messages)], [200, "m1", false, true]);
    const job = await s.wait(built.body.job.key.name);
    assertEquals([job.status, job.progress], ["DONE", 1]);
    const model = (await s.call("GET", "/3/Models/m1")).body.models[0];
    assertEquals([model.algo, model.response_column_name, model.output.model_category], ["deeplearning", "label", "Multinomial"]);
    for (const k of ["training_metrics", "validation_metrics", "cross_validation_metrics", "cross_validation_metrics_summary"]) assert(k in model.output, k);
    const vm = model.output.validation_metrics;
    assertEquals([vm.__meta.schema_type, vm.AUC, vm.frame.name, vm.cm.table.name], ["ModelMetricsMultinomial", "NaN", key, "Confusion Matrix"]);
    for (const t of [model.output.model_summary, model.output.scoring_history, model.output.variable_importances, vm.cm.table, vm.hit_ratio_table]) {
      assertEquals(t.__meta.schema_name, "TwoDimTableV3");
      assert(t.data.every((col: unknown[]) => col.length === t.rowcount), t.name);
    }
    assertEquals(model.output.scoring_history.columns.slice(0, 3).map((c: { name: string }) => c.name), ["", "timestamp", "duration"]);
    const hidden = model.parameters.find((p: { name: string }) => p.name === "hidden");
    assertEquals([hidden.default_value, hidden.actual_value, hidden.input_value, hidden.type], [[200, 200], [8, 8], [8, 8], "int[]"]);
    assertEquals(model.parameters.find((p: { name: string }) => p.name === "training_frame").actual_value.name, key);
    assertEquals(model.parameters.find((p: { name: string }) => p.name === "response_column").actual_value.column_name, "label");

    const lib = await new DeepLearning({ hidden: [8, 8], epochs: 3, seed: 1, reproducible: true, model_id: "m1", nthreads: 1 })
      .train({ y: "label", training_frame: parseCsvText(threeClassCsv()), validation_frame: parseCsvText(threeClassCsv()) });
    assertEquals(vm.logloss, lib.modelPerformance({ valid: true }).logloss());

    const perf = (await s.call("POST", `/3/ModelMetrics/models/m1/frames/${key}`, { auc_type: "none" })).body;
    assertEquals([perf.model_metrics[0].frame.name, perf.model_metrics[0].MSE], [key, vm.MSE]);
    const pj = (await s.call("POST", `/4/Predictions/models/m1/frames/${key}`)).body;
    assertEquals((await s.wait(pj.key.name)).status, "DONE");
    const pred = (await s.call("GET", `/3/Frames/${pj.dest.name}`)).body.frames[0];
    assertEquals(pred.columns.map((c: { label: string; type: string }) => `${c.label}:${c.type}`), ["predict:enum", "a:real", "b:real", "c:real"]);
    assertEquals((await s.call("POST", `/4/Predictions/models/m1/frames/${key}`, { deep_features_hidden_layer: 2 })).status, 412);
    assertEquals((await s.call("POST", `/3/Predictions/models/m1/frames/${key}`, { reconstruction_error: "True" })).status, 412);

    const save = await s.call("GET", "/99/Models.bin/m1", { dir: join(s.dir, "m1.tide"), force: "False" });
    assertEquals([save.status, save.body.dir], [200, join(s.dir, "m1.tide")]);
    assertEquals((await s.call("GET", "/99/Models.bin/m1", { dir: join(s.dir, "m1.tide"), force: "False" })).status, 412);
    assertEquals((await s.call("GET", "/99/Models.bin/m1", { dir: "/tmp/../etc/m1", force: "True" })).status, 403);
    assertEquals((await s.call("DELETE", "/3/DKV/m1", { cascade: "True" })).status, 200);
    assertEquals((await s.call("GET", "/3/Models/m1")).status, 404);
    const load = await s.call("POST", "/99/Models.bin/", { dir: join(s.dir, "m1.tide") });
    assertEquals([load.status, load.body.models[0].model_id.name], [200, "m1"]);
    const again = (await s.call("GET", "/3/Models/m1")).body.models[0];
    assertEquals(again.output.validation_metrics.logloss, vm.logloss);
    assertEquals((await s.call("POST", "/99/Models.bin/", { dir: join(s.dir, "data.csv") })).status, 412);
  } finally {
    await s.close();
  }
});

test("a training in a Worker reports progress, can be cancelled, and frames in use cannot be removed", async () => {
  const s = await testServer({ workers: true });
  try {
    const key = await s.importCsv("data.csv");
    const done = (await s.call("POST", "/3/ModelBuilders/deeplearning", dlForm({ training_frame: key, model_id: "w1" }))).body.job.key.name;
    assertEquals((await s.wait(done)).status, "DONE");
    assertEquals((await s.call("GET", "/3/Models/w1")).status, 200);
    const long = (await s.call("POST", "/3/ModelBuilders/deeplearning", dlForm({ training_frame: key, model_id: "w2", epochs: "100000", hidden: "[64,64]", score_interval: "0", classification_stop: "-1", stopping_rounds: "0" }))).body.job.key.name;
    let j;
    for (let i = 0; i < 500; i++) {
      j = (await s.call("GET", `/3/Jobs/${long}`)).body.jobs[0];
      if (j.progress > 0) break;
      await new Promise((r) => setTimeout(r, 20));
    }
    assert(j.status === "RUNNING" && j.progress > 0 && j.progress < 1, JSON.stringify(j));
    const busy = await s.call("POST", "/99/Rapids", { ast: `(rm ${key})`, session_id: "_sid_x" });
    assertEquals(busy.status, 412);
    const c = await s.call("POST", `/3/Jobs/${long}/cancel`);
    assertEquals(c.status, 200);
    assertEquals((await s.wait(long)).status, "CANCELLED");
    // As H2O: the best model scored before the cancellation is kept.
    const kept = (await s.call("GET", "/3/Models/w2")).body.models[0];
    assert(kept.output.training_status === "cancelled" && kept.output.training_metrics.MSE > 0, JSON.stringify(kept.output.training_status));
    assertEquals((await s.call("POST", "/99/Rapids", { ast: `(rm ${key})`, session_id: "_sid_x" })).body.scalar, 1);
  } finally {
    await s.close();
  }
}, { timeout: 60_000 });

test("--store: frames and models written there are served again after a restart", async () => {
  const store = await mkdtemp(join(tmpdir(), "tide-store-"));
  try {
    const a = await testServer({ storeDir: store });
    const key = await a.importCsv("data.csv");
    const j = (await a.call("POST", "/3/ModelBuilders/deeplearning", dlForm({ training_frame: key, model_id: "kept", epochs: "1" }))).body.job.key.name;
    await a.wait(j);
    const before = (await a.call("GET", "/3/Models/kept")).body.models[0];
    await a.close();
    const b = await testServer({ storeDir: store });
    const after = (await b.call("GET", "/3/Models/kept")).body.models[0];
    assertEquals(after.output.training_metrics.MSE, before.output.training_metrics.MSE);
    assertEquals(after.parameters.find((p: { name: string }) => p.name === "epochs").input_value, 1);
    const f = (await b.call("GET", `/3/Frames/${key}`)).body.frames[0];
    assertEquals([f.rows, f.columns[3].domain], [120, ["a", "b", "c"]]);
    await b.call("DELETE", "/3/DKV/kept");
    await b.close();
    await writeFile(join(store, "models", "broken.tide"), "not a model");
    const c = await testServer({ storeDir: store });
    assertEquals((await c.call("GET", "/3/Models/kept")).status, 404);
    assertEquals(c.context.skipped.length, 1);
    assert(c.context.skipped[0].startsWith("models/broken.tide: Cannot load"), c.context.skipped[0]);
    await c.close();
  } finally {
    await rm(store, { recursive: true, force: true });
  }
});

test("binomial and regression models: H2O's metric fields, the thresholds table's positions, p0/p1 prediction columns", async () => {
  const s = await testServer();
  try {
    const rows = threeClassCsv().trim().split("\n").slice(1).map((l) => l.split(","));
    await writeFile(join(s.dir, "bin.csv"), `x1,x2,y\n${rows.map((r) => `${r[0]},${r[1]},${r[3] === "a" ? 1 : 0}`).join("\n")}\n`);
    const key = await s.importCsv("bin.csv");
    const sid = "_sid_t";
    await s.call("POST", "/99/Rapids", { ast: `(tmp= py_1${sid} (:= ${key} (as.factor (cols_py ${key} 'y')) 2 []))`, session_id: sid });
    const b = (await s.call("POST", "/3/ModelBuilders/deeplearning", dlForm({ training_frame: `py_1${sid}`, response_column: "y", model_id: "bin" }))).body;
    assertEquals((await s.wait(b.job.key.name)).status, "DONE");
    const tm = (await s.call("GET", "/3/Models/bin")).body.models[0].output.training_metrics;
    assertEquals([tm.__meta.schema_type, tm.domain, typeof tm.AUC, typeof tm.Gini], ["ModelMetricsBinomial", ["0", "1"], "number", "number"]);
    assertEquals(tm.thresholds_and_metric_scores.columns.slice(11, 15).map((c: { name: string }) => c.name), ["tns", "fns", "fps", "tps"]);
    assertEquals(tm.max_criteria_and_metric_scores.data[0][0], "max f1");
    const pj = (await s.call("POST", `/4/Predictions/models/bin/frames/py_1${sid}`)).body;
    await s.wait(pj.key.name);
    assertEquals((await s.call("GET", `/3/Frames/${pj.dest.name}`)).body.frames[0].columns.map((c: { label: string }) => c.label), ["predict", "p0", "p1"]);
    const r = (await s.call("POST", "/3/ModelBuilders/deeplearning", dlForm({ training_frame: key, response_column: "x1", ignored_columns: '["y"]', model_id: "reg" }))).body;
    assertEquals((await s.wait(r.job.key.name)).status, "DONE");
    const rm = (await s.call("GET", "/3/Models/reg")).body.models[0];
    assertEquals(rm.output.model_category, "Regression");
    for (const k of ["mae", "rmsle", "mean_residual_deviance", "r2"]) assert(k in rm.output.training_metrics, k);
    assertEquals(rm.output.scoring_history.columns.map((c: { name: string }) => c.name).slice(-4), ["training_rmse", "training_deviance", "training_mae", "training_r2"]);
  } finally {
    await s.close();
  }
});

test("nfolds: the main model carries cross-validation metrics, the summary table and retrievable fold models; checkpoint restarts continue a stored model", async () => {
  const s = await testServer({ workers: true });
  try {
    const key = await s.importCsv("data.csv");
    const b = (await s.call("POST", "/3/ModelBuilders/deeplearning", dlForm({ training_frame: key, model_id: "cv", nfolds: "3", epochs: "2" }))).body;
    assertEquals((await s.wait(b.job.key.name)).status, "DONE");
    const out = (await s.call("GET", "/3/Models/cv")).body.models[0].output;
    assertEquals(out.cross_validation_metrics.__meta.schema_type, "ModelMetricsMultinomial");
    const t = out.cross_validation_metrics_summary;
    assertEquals(t.columns.map((c: { name: string }) => c.name), ["", "mean", "sd", "cv_1_valid", "cv_2_valid", "cv_3_valid"]);
    assert(t.data[0].includes("logloss"), t.data[0].join());
    assertEquals(out.cross_validation_models.map((k: { name: string }) => k.name), ["cv_cv_1", "cv_cv_2", "cv_cv_3"]);
    assertEquals((await s.call("GET", "/3/Models/cv_cv_2")).status, 200);

    const first = (await s.call("POST", "/3/ModelBuilders/deeplearning", dlForm({ training_frame: key, model_id: "c1", epochs: "2" }))).body;
    await s.wait(first.job.key.name);
    const short = await s.call("POST", "/3/ModelBuilders/deeplearning", dlForm({ training_frame: key, model_id: "c2", epochs: "1", checkpoint: "c1" }));
    assertEquals([short.status, fieldsOf(short.body)], [412, ["epochs"]]);
    const more = (await s.call("POST", "/3/ModelBuilders/deeplearning", dlForm({ training_frame: key, model_id: "c2", epochs: "4", checkpoint: "c1" }))).body;
    assertEquals((await s.wait(more.job.key.name)).status, "DONE");
    const h = (await s.call("GET", "/3/Models/c2")).body.models[0].output.scoring_history;
    const epochs = h.data[h.columns.findIndex((c: { name: string }) => c.name === "epochs")];
    assertEquals([epochs[0], epochs[epochs.length - 1]], [0, 4]);
  } finally {
    await s.close();
  }
}, { timeout: 60_000 });

test("--store: grids persist (ids, models, hyper-parameters, failures) and a restarted server lists them again", async () => {
  const store = await mkdtemp(join(tmpdir(), "tide-store-"));
  try {
    const a = await testServer({ storeDir: store });
    const key = await a.importCsv("data.csv");
    const form = dlForm({ training_frame: key, validation_frame: key, epochs: "1", hidden: "[200]", activation: "Tanh" });
    // A dropout ratio needs a …WithDropout activation: the grid keeps two models and two failures.
    const g = await a.call("POST", "/99/Grid/deeplearning", { ...form, grid_id: "kept_grid", hyper_parameters: '{"hidden": [[4],[6]],"hidden_dropout_ratios": [[0.1],[0.0]]}' });
    assertEquals(g.status, 200, JSON.stringify(g.body));
    await a.wait(g.body.job.key.name);
    const before = (await a.call("GET", "/99/Grids/kept_grid", { sort_by: "mse" })).body;
    assertEquals([before.model_ids.length, before.failure_details.length], [2, 2]);
    await a.close();

    const b = await testServer({ storeDir: store });
    const after = (await b.call("GET", "/99/Grids/kept_grid", { sort_by: "mse" })).body;
    for (const k of ["model_ids", "hyper_names", "failed_params", "failure_details", "summary_table", "warning_details"]) assertEquals(after[k], before[k], k);
    assertEquals((await b.call("GET", `/3/Models/${after.model_ids[0].name}`)).status, 200);
    const list = (await b.call("GET", "/99/Grids")).body;
    assertEquals([list.__meta.schema_name, list.grids.map((x: { grid_id: { name: string } }) => x.grid_id.name)], ["GridsV99", ["kept_grid"]]);
    await b.call("DELETE", "/3/DKV/kept_grid");
    await b.close();

    // Removed stays removed; a grid cut short by a stopped server comes back "interrupted"; a damaged file is skipped.
    const record = { id: "cut", hyperNames: ["l1"], models: [], failures: [], warnings: [], status: "running" };
    await writeFile(join(store, "grids", "cut.json"), JSON.stringify(record));
    await writeFile(join(store, "grids", "broken.json"), "{");
    const c = await testServer({ storeDir: store });
    assertEquals((await c.call("GET", "/99/Grids/kept_grid")).status, 404);
    assertEquals((await c.call("GET", `/3/Models/${after.model_ids[0].name}`)).status, 404);
    const cut = (await c.call("GET", "/99/Grids/cut")).body;
    assert(/server stopped while this grid was being built/.test(cut.warning_details[0]), cut.warning_details[0]);
    assertEquals(c.context.skipped, ["grids/broken.json: Cannot load grid file: not JSON"]);
    await c.close();
  } finally {
    await rm(store, { recursive: true, force: true });
  }
}, { timeout: 60_000 });

test("grid search: Cartesian and RandomDiscrete over REST, sorted by any metric, removable with its models", async () => {
  const s = await testServer({ workers: true });
  try {
    const key = await s.importCsv("data.csv");
    const form = dlForm({ training_frame: key, validation_frame: key, epochs: "1", hidden: "[200,200]", l1: "0.0" });
    const g = await s.call("POST", "/99/Grid/deeplearning", { ...form, grid_id: "g1", hyper_parameters: '{"hidden": [[4],[8,8]],"l1": [0.0,0.0001]}' });
    assertEquals([g.status, g.body.job.dest.name, g.body.total_models], [200, "g1", 4]);
    assertEquals((await s.wait(g.body.job.key.name)).status, "DONE");
    const grid = (await s.call("GET", "/99/Grids/g1")).body;
    assertEquals([grid.model_ids.length, grid.hyper_names, grid.sort_by, grid.decreasing, grid.failure_details], [4, ["hidden", "l1"], "logloss", false, []]);
    const ll = grid.summary_table.data[grid.summary_table.columns.length - 1];
    assertEquals([...ll].sort((a: number, b: number) => a - b), ll);
    assertEquals(grid.summary_table.columns.map((c: { name: string }) => c.name), ["", "hidden", "l1", "model_ids", "logloss"]);
    const byMse = (await s.call("GET", "/99/Grids/g1", { sort_by: "mse", decreasing: "True" })).body;
    const mse = byMse.summary_table.data[byMse.summary_table.columns.length - 1];
    assertEquals([...mse].sort((a: number, b: number) => b - a), mse);
    const m0 = (await s.call("GET", `/3/Models/${byMse.model_ids[0].name}`)).body.models[0];
    assertEquals(m0.output.validation_metrics.MSE, mse[0]);
    assertEquals((await s.call("GET", "/99/Grids/g1", { sort_by: "nope" })).status, 412);
    assertEquals((await s.call("GET", "/99/Grids/absent")).status, 404);

    const r = await s.call("POST", "/99/Grid/deeplearning", { ...form, grid_id: "g2", hyper_parameters: '{"l1": [0.0,1e-06,1e-05,0.0001]}', search_criteria: '{"strategy": RandomDiscrete,"max_models": 2,"seed": 7}' });
    assertEquals((await s.wait(r.body.job.key.name)).status, "DONE");
    assertEquals((await s.call("GET", "/99/Grids/g2")).body.model_ids.length, 2);
    const bad = await s.call("POST", "/99/Grid/deeplearning", { ...form, hyper_parameters: '{"mini_batch_size": [1, 2], "hidden": [[8]]}' });
    assertEquals([bad.status, fieldsOf(bad.body)], [412, ["hyper_parameters.mini_batch_size"]]);
    const unparsable = await s.call("POST", "/99/Grid/deeplearning", { ...form, hyper_parameters: '{"hidden": [[8]' });
    assert(unparsable.status === 412 && unparsable.body.msg.startsWith("Can't parse the hyper_parameters dictionary"), unparsable.body.msg);

    await s.call("DELETE", "/3/DKV/g1", { cascade: "True" });
    assertEquals([(await s.call("GET", "/99/Grids/g1")).status, (await s.call("GET", `/3/Models/${grid.model_ids[0].name}`)).status], [404, 404]);
  } finally {
    await s.close();
  }
}, { timeout: 60_000 });
