/**
 * Autoencoder routes (spec §3.12–3.15): training without a response (`autoencoder=True`), the
 * model JSON and metrics of an autoencoder, `anomaly` (`/3/Predictions` with
 * `reconstruction_error`), `deepfeatures` and `predict` (`/4/Predictions`), and
 * `pretrained_autoencoder` by model id; each compared with the library on the same data and seed.
 */
import { assert, assertEquals, test } from "../_harness.ts";
import { parseCsvText } from "../../frame/csv.ts";
import type { Frame } from "../../frame/frame.ts";
import { DeepLearning } from "../../model/deep_learning.ts";
import { dlForm, type TestServer, testServer, threeClassCsv } from "./_server.ts";

/** The form h2o-py's H2OAutoEncoderEstimator sends: no response, the label ignored. */
function aeForm(extra: Record<string, string | number | boolean> = {}): Record<string, string | number | boolean> {
  const { response_column: _y, ...form } = dlForm({ autoencoder: "True", hidden: "[4,2,4]", activation: "Tanh", epochs: "2", ignored_columns: '["label"]', ...extra });
  return form;
}

const library = () =>
  new DeepLearning({ autoencoder: true, hidden: [4, 2, 4], activation: "Tanh", epochs: 2, seed: 1, reproducible: true, model_id: "ae" })
    .train({ x: ["x1", "x2", "k"], training_frame: parseCsvText(threeClassCsv()) });

/** Trains `form` over REST and returns the job's final state. */
async function build(s: TestServer, form: Record<string, string | number | boolean>): Promise<any> {
  const r = await s.call("POST", "/3/ModelBuilders/deeplearning", form);
  assertEquals(r.status, 200, JSON.stringify(r.body));
  return await s.wait(r.body.job.key.name);
}

/** A frame's column as numbers, read back through GET /3/DownloadDataset (the client's as_data_frame). */
async function column(s: TestServer, key: string, j: number): Promise<number[]> {
  const csv = (await s.call("GET", "/3/DownloadDataset", { frame_id: key, hex_string: "False" })).body as string;
  return csv.trim().split("\n").slice(1).map((line) => Number(line.split(",")[j]));
}

const values = (f: Frame, j: number) => Array.from({ length: f.nrow }, (_, i) => Number(f.value(i, f.names[j])));

test("an autoencoder trains without a response; its model JSON and metrics are H2O's AutoEncoder schemas with the library's numbers", async () => {
  const s = await testServer();
  try {
    const builders = (await s.call("GET", "/3/ModelBuilders/deeplearning")).body.model_builders.deeplearning;
    assert(builders.can_build.includes("AutoEncoder"), builders.can_build);
    const key = await s.importCsv("data.csv");
    assertEquals((await build(s, aeForm({ training_frame: key, model_id: "ae" }))).status, "DONE");
    const model = (await s.call("GET", "/3/Models/ae")).body.models[0];
    const lib = await library();
    assertEquals([model.algo, model.response_column_name, model.output.model_category], ["deeplearning", null, "AutoEncoder"]);
    const tm = model.output.training_metrics;
    assertEquals([tm.__meta.schema_name, tm.__meta.schema_type, tm.model_category], ["ModelMetricsAutoEncoderV3", "ModelMetricsAutoEncoder", "AutoEncoder"]);
    assertEquals([tm.MSE, tm.RMSE], [lib.modelPerformance().mse(), lib.modelPerformance().rmse()]);
    assert(!("logloss" in tm) && !("cm" in tm), "an autoencoder's metrics carry only the common fields");
    assertEquals(model.output.variable_importances, null);
    const summary = model.output.model_summary;
    assert(summary.description.startsWith("auto-encoder, gaussian distribution, Quadratic loss, 53 weights/biases"), summary.description);
    assertEquals(summary.data[2], [3, 4, 2, 4, 3], "units per layer: 3 inputs, 4-2-4 hidden, 3 reconstructed");
    const history = model.output.scoring_history.columns.map((c: { name: string }) => c.name);
    assert(history.includes("training_mse") && !history.includes("training_logloss"), history.join());
    assertEquals(model.parameters.find((p: { name: string }) => p.name === "autoencoder").actual_value, true);
    // model_performance(test_data=fr): the reconstruction MSE on that frame.
    const perf = (await s.call("POST", `/3/ModelMetrics/models/ae/frames/${key}`, { auc_type: "none" })).body.model_metrics[0];
    assertEquals([perf.__meta.schema_type, perf.MSE], ["ModelMetricsAutoEncoder", (await lib.performance(parseCsvText(threeClassCsv()))).mse()]);
    // save_model / load_model keep it an autoencoder.
    const dir = `${s.dir}/ae.tide`;
    assertEquals((await s.call("GET", "/99/Models.bin/ae", { dir, force: "True" })).status, 200);
    assertEquals((await s.call("DELETE", "/3/DKV/ae")).status, 200);
    const loaded = (await s.call("POST", "/99/Models.bin/", { dir })).body.models[0];
    assertEquals([loaded.output.model_category, loaded.output.training_metrics.MSE], ["AutoEncoder", tm.MSE]);
    // A grid of autoencoders, ranked by the reconstruction MSE.
    const g = await s.call("POST", "/99/Grid/deeplearning", { ...aeForm({ training_frame: key, epochs: "1" }), grid_id: "aeg", hyper_parameters: '{"hidden": [[2],[4]]}' });
    assertEquals((await s.wait(g.body.job.key.name)).status, "DONE");
    const grid = (await s.call("GET", "/99/Grids/aeg", { sort_by: "mse" })).body;
    const mses = await Promise.all(grid.model_ids.map(async (k: { name: string }) => (await s.call("GET", `/3/Models/${k.name}`)).body.models[0].output.training_metrics.MSE));
    assertEquals([mses.length, mses[0] <= mses[1]], [2, true]);
    // A response column on an autoencoder is the engine's per-field refusal.
    const withY = await s.call("POST", "/3/ModelBuilders/deeplearning", { ...aeForm({ training_frame: key }), response_column: "label" });
    assertEquals([withY.status, withY.body.messages.filter((m: { message_type: string }) => m.message_type === "ERRR").map((m: { field_name: string }) => m.field_name)], [412, ["response_column"]]);
  } finally {
    await s.close();
  }
});

test("anomaly, anomaly per feature, deep features and predict of an autoencoder give H2O's frames with the library's values", async () => {
  const s = await testServer();
  try {
    const key = await s.importCsv("data.csv");
    await build(s, aeForm({ training_frame: key, model_id: "ae" }));
    const lib = await library();
    const fr = parseCsvText(threeClassCsv());

    // anomaly(fr): synchronous, ModelMetricsListSchemaV3, the error frame named per spec §2.4.
    const err = await s.call("POST", `/3/Predictions/models/ae/frames/${key}`, { reconstruction_error: "True", reconstruction_error_per_feature: "False" });
    assertEquals(err.status, 200, JSON.stringify(err.body));
    const errKey = err.body.model_metrics[0].predictions.frame_id.name;
    assert(/^reconstruction_error[0-9a-f]{4}_ae_on_data\.hex$/.test(errKey), errKey);
    assertEquals(err.body.predictions_frame.name, errKey);
    const mm = err.body.model_metrics[0];
    assertEquals([mm.__meta.schema_name, mm.model_category, mm.frame.name, mm.MSE], ["ModelMetricsAutoEncoderV3", "AutoEncoder", key, (await lib.performance(fr)).mse()]);
    const errFrame = (await s.call("GET", `/3/Frames/${errKey}`)).body.frames[0];
    assertEquals(errFrame.columns.map((c: { label: string; type: string }) => `${c.label}:${c.type}`), ["Reconstruction.MSE:real"]);
    assertEquals(await column(s, errKey, 0), values(await lib.anomaly(fr), 0));

    // anomaly(fr, per_feature=True): one reconstr_<input>.SE column per expanded input.
    const se = await s.call("POST", `/3/Predictions/models/ae/frames/${key}`, { reconstruction_error: "True", reconstruction_error_per_feature: "True" });
    const seKey = se.body.model_metrics[0].predictions.frame_id.name;
    const libSe = await lib.anomaly(fr, { perFeature: true });
    assertEquals((await s.call("GET", `/3/Frames/${seKey}`)).body.frames[0].columns.map((c: { label: string }) => c.label), ["reconstr_x1.SE", "reconstr_x2.SE", "reconstr_k.SE"]);
    assertEquals(await column(s, seKey, 2), values(libSe, 2));

    // deepfeatures(fr, 1): a job whose frame is DF.L2.C1, DF.L2.C2.
    const df = (await s.call("POST", `/4/Predictions/models/ae/frames/${key}`, { deep_features_hidden_layer: 1 })).body;
    assert(/^deep_features[0-9a-f]{4}_ae_on_data\.hex$/.test(df.dest.name), df.dest.name);
    assertEquals((await s.wait(df.key.name)).status, "DONE");
    assertEquals((await s.call("GET", `/3/Frames/${df.dest.name}`)).body.frames[0].columns.map((c: { label: string }) => c.label), ["DF.L2.C1", "DF.L2.C2"]);
    assertEquals(await column(s, df.dest.name, 1), values(await lib.deepfeatures(fr, 1), 1));

    // predict(fr): the reconstruction, reconstr_<input>, in the inputs' units.
    const pj = (await s.call("POST", `/4/Predictions/models/ae/frames/${key}`)).body;
    assertEquals((await s.wait(pj.key.name)).status, "DONE");
    const rec = await lib.predict(fr);
    assertEquals((await s.call("GET", `/3/Frames/${pj.dest.name}`)).body.frames[0].columns.map((c: { label: string }) => c.label), rec.names);
    assertEquals(await column(s, pj.dest.name, 0), values(rec, 0));
  } finally {
    await s.close();
  }
});

test("Predictions refuse, per field and before any job, what cannot be scored", async () => {
  const s = await testServer();
  try {
    const key = await s.importCsv("data.csv");
    await build(s, aeForm({ training_frame: key, model_id: "ae" }));
    await build(s, dlForm({ training_frame: key, model_id: "sup", epochs: "1" }));
    const refused = async (path: string, form: Record<string, string | number>, field: string, words: string) => {
      const r = await s.call("POST", path, form);
      assertEquals([r.status, r.body.__meta?.schema_name], [412, "H2OErrorV3"], `${path} ${JSON.stringify(form)}`);
      assert(r.body.msg.includes(field) && r.body.msg.includes(words), r.body.msg);
    };
    await refused(`/3/Predictions/models/sup/frames/${key}`, { reconstruction_error: "True" }, "reconstruction_error", "not an autoencoder");
    await refused(`/4/Predictions/models/ae/frames/${key}`, { deep_features_hidden_layer: 3 }, "deep_features_hidden_layer", "use 0 … 2");
    await refused(`/4/Predictions/models/ae/frames/${key}`, { deep_features_hidden_layer: "x" }, "deep_features_hidden_layer", "use 0 … 2");
    await refused(`/4/Predictions/models/ae/frames/${key}`, { deep_features_hidden_layer_name: "fc1" }, "deep_features_hidden_layer_name", "0-based index");
    await refused(`/3/Predictions/models/ae/frames/${key}`, { reconstruction_error: "True", deep_features_hidden_layer: 0 }, "deep_features_hidden_layer", "not both");
    // Deep features work for a supervised model too (H2O's deepfeatures is on every model).
    const df = (await s.call("POST", `/4/Predictions/models/sup/frames/${key}`, { deep_features_hidden_layer: 0 })).body;
    assertEquals((await s.wait(df.key.name)).status, "DONE");
    assertEquals((await s.call("GET", `/3/Frames/${df.dest.name}`)).body.frames[0].columns.length, 8);
    // deep_features_hidden_layer=-1 is H2O's "not asked": an ordinary prediction.
    const p = (await s.call("POST", `/4/Predictions/models/sup/frames/${key}`, { deep_features_hidden_layer: -1 })).body;
    assert(p.dest.name.startsWith("predictions_"), p.dest.name);
  } finally {
    await s.close();
  }
});

test("pretrained_autoencoder names a stored autoencoder: the supervised model starts from its weights, as in the library", async () => {
  const s = await testServer();
  try {
    const key = await s.importCsv("data.csv");
    await build(s, aeForm({ training_frame: key, model_id: "ae" }));
    const unknown = await s.call("POST", "/3/ModelBuilders/deeplearning", dlForm({ training_frame: key, pretrained_autoencoder: "no_such_ae" }));
    assertEquals([unknown.status, unknown.body.messages.map((m: { field_name: string }) => m.field_name)], [412, ["pretrained_autoencoder"]]);
    const form = { training_frame: key, model_id: "sup", hidden: "[4,2,4]", activation: "Tanh", epochs: "2", pretrained_autoencoder: "ae" };
    assertEquals((await build(s, dlForm(form))).status, "DONE");
    const model = (await s.call("GET", "/3/Models/sup")).body.models[0];
    assertEquals(model.parameters.find((p: { name: string }) => p.name === "pretrained_autoencoder").actual_value.name, "ae");
    const ae = await library();
    const lib = await new DeepLearning({ hidden: [4, 2, 4], activation: "Tanh", epochs: 2, seed: 1, reproducible: true, model_id: "sup", pretrained_autoencoder: ae })
      .train({ y: "label", training_frame: parseCsvText(threeClassCsv()) });
    assertEquals(model.output.training_metrics.logloss, lib.modelPerformance().logloss());
    // Hidden layers that do not match, or a model that is no autoencoder, are 412s naming the field, before a job starts.
    for (const extra of [{ hidden: "[4,4]" }, { pretrained_autoencoder: "sup" }]) {
      const bad = await s.call("POST", "/3/ModelBuilders/deeplearning", dlForm({ ...form, model_id: "bad", ...extra }));
      assertEquals([bad.status, bad.body.messages.map((m: { field_name: string }) => m.field_name)], [412, ["pretrained_autoencoder"]], JSON.stringify(bad.body));
    }
    assert((await s.call("POST", "/3/ModelBuilders/deeplearning", dlForm({ ...form, model_id: "bad", hidden: "[4,4]" }))).body.msg.includes("set hidden to 4,2,4"));
  } finally {
    await s.close();
  }
});
