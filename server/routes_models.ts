/**
 * Models (spec §3.12–3.19): the Deep Learning builder (validated from the parameter declarations
 * before a job starts, then trained in a Worker), model JSON, predictions, metrics on a frame,
 * export and import of model files, and the grid endpoint.
 * @module
 */
import type { Hono } from "hono";
import { existsSync } from "node:fs";
import type { Message } from "../core/params.ts";
import { parseParams } from "../core/params.ts";
import { checkpointMessages } from "../core/train/checkpoint.ts";
import { pretrainedMessages } from "../core/train/pretrained.ts";
import { resolvePlan } from "../core/train/resolve.ts";
import { DeepLearning, type DeepLearningEvent } from "../model/deep_learning.ts";
import type { Frame as FrameT } from "../frame/frame.ts";
import { Frame } from "../frame/frame.ts";
import { DeepLearningModel } from "../model/model.ts";
import * as plugins from "../plugins/mod.ts";
import type { ServerContext } from "./app.ts";
import { bestSoFar } from "./best_so_far.ts";
import { metricsJson, modelJson, parametersJson } from "./model_json.ts";
import { type Trained, trainInWorker } from "./training.ts";
import { bool, BuilderError, type Form, H2OError, json, keyName, keyRef, meta, readForm } from "./wire.ts";

/** Builder fields that are not model parameters: frames travel separately. */
const FRAME_FIELDS = ["training_frame", "validation_frame"] as const;

/** Registers the model routes. */
export function modelRoutes(app: Hono, ctx: ServerContext): void {
  const { store } = ctx;

  app.get("/3/ModelBuilders/deeplearning", () => json({
    __meta: meta("ModelBuildersV3", "ModelBuilders"),
    model_builders: { deeplearning: { algo: "deeplearning", algo_full_name: "Deep Learning", can_build: ["Regression", "Binomial", "Multinomial", "AutoEncoder"], supervised: true, visibility: "Stable", parameters: parametersJson(ctx.specs, {}, {}) } },
  }));

  app.post("/3/ModelBuilders/deeplearning", async (c) => {
    const form = await readForm(c.req.raw);
    const { job, messages } = startTraining(ctx, form);
    return json({
      __meta: meta("DeepLearningV3", "DeepLearning"), algo: "deeplearning", algo_full_name: "Deep Learning",
      can_build: ["Regression", "Binomial", "Multinomial", "AutoEncoder"], supervised: true, visibility: "Stable",
      messages: messages.map(validationMessage), error_count: 0, parameters: null, job: job.toJSON(),
    });
  });

  const getModel = (c: { req: { param(n: string): string } }) => {
    const id = c.req.param("id");
    const m = store.model(id, "model_id");
    return json({ __meta: meta("ModelsV3", "Models"), model_id: keyRef("Model", id), models: [modelJson(m, ctx.specs)], compatible_frames: null });
  };
  app.get("/3/Models/:id", getModel);
  app.get("/99/Models/:id", getModel);
  app.get("/3/Models", () => json({
    __meta: meta("ModelsV3", "Models"), model_id: null, models: [...store.models.values()].map((m) => modelJson(m, ctx.specs)), compatible_frames: null,
  }));

  // predict (empty form) or deepfeatures (deep_features_hidden_layer): a job, then GET /3/Frames/{dest}.
  app.post("/4/Predictions/models/:model/frames/:frame", async (c) => {
    const form = await readForm(c.req.raw);
    const mid = c.req.param("model"), fid = c.req.param("frame");
    const m = store.model(mid, "model"), frame = store.frame(fid, "frame");
    if (form.custom_metric_func) throw new H2OError(412, "Illegal argument for field: custom_metric_func: custom metrics are not supported by this version of Tide");
    const request = scoringRequest(m.model, form);
    const dest = `${request.kind === "deepfeatures" ? "deep_features" : "predictions_"}${hex4()}_${mid}_on_${fid}`;
    const job = ctx.jobs.start("Prediction", { kind: "Frame", name: dest }, (jc) => store.withLocks([mid, fid], async () => {
      const out = await score(m.model, frame, request);
      jc.progress(0.9);
      await store.putFrame(dest, out);
    }));
    return json(job.toJSON());
  });

  // anomaly(fr, per_feature=) (reconstruction_error…), also predict and deepfeatures: synchronous.
  app.post("/3/Predictions/models/:model/frames/:frame", async (c) => {
    const form = await readForm(c.req.raw);
    const mid = c.req.param("model"), fid = c.req.param("frame");
    const m = store.model(mid, "model"), frame = store.frame(fid, "frame");
    const request = scoringRequest(m.model, form);
    const prefix = { predict: "predictions_", deepfeatures: "deep_features", anomaly: "reconstruction_error" }[request.kind];
    const dest = keyName(form.predictions_frame) ?? `${prefix}${hex4()}_${mid}_on_${fid}`;
    const { out, metrics } = await store.withLocks([mid, fid], async () => {
      const out = await score(m.model, frame, request);
      // An autoencoder's metrics on this frame (H2O records them with the error frame); otherwise the model's training metrics.
      const metrics = request.kind === "anomaly" ? (await m.model.performance(frame)).metrics : m.model.data.output.trainingMetrics;
      return { out, metrics };
    });
    await store.putFrame(dest, out);
    return json({
      __meta: meta("ModelMetricsListSchemaV3", "ModelMetricsList"), model: keyRef("Model", mid), frame: keyRef("Frame", fid),
      predictions_frame: keyRef("Frame", dest), model_metrics: [{ ...metricsJson(metrics, mid, fid, responseDomain(m.model)), predictions: { frame_id: keyRef("Frame", dest) } }],
    });
  });

  app.post("/3/ModelMetrics/models/:model/frames/:frame", async (c) => {
    const form = await readForm(c.req.raw);
    const mid = c.req.param("model"), fid = c.req.param("frame");
    const m = store.model(mid, "model"), frame = store.frame(fid, "frame");
    const auc = (form.auc_type ?? "none").toLowerCase();
    if (!["none", "auto"].includes(auc)) throw new H2OError(412, `Illegal argument for field: auc_type: "${form.auc_type}" is not supported yet; use auto or none`);
    let perf;
    try {
      perf = await m.model.performance(frame);
    } catch (e) {
      throw new H2OError(412, `Cannot score '${fid}' with '${mid}': ${(e as Error).message}`);
    }
    return json({
      __meta: meta("ModelMetricsListSchemaV3", "ModelMetricsList"), model: keyRef("Model", mid), frame: keyRef("Frame", fid),
      model_metrics: [metricsJson(perf.metrics, mid, fid, responseDomain(m.model))],
    });
  });

  app.get("/99/Models.bin/:id", async (c) => {
    const id = c.req.param("id");
    const m = store.model(id, "model_id");
    const dir = c.req.query("dir");
    if (!dir) throw new H2OError(412, "Required field dir not specified");
    const path = ctx.roots.resolve(dir, "dir");
    if (existsSync(path) && !bool(c.req.query("force"))) throw new H2OError(412, `Illegal argument: dir of function: exportModel: file "${dir}" exists; pass force=True to replace it`);
    await m.model.save(path).catch((e) => {
      throw new H2OError(412, `Illegal argument: dir of function: exportModel: ${(e as Error).message}`);
    });
    return json({ __meta: meta("ModelExportV3", "Iced"), model_id: keyRef("Model", id), dir: path, force: bool(c.req.query("force")) });
  });

  const loadModel = async (c: { req: { raw: Request } }) => {
    const form = await readForm(c.req.raw);
    if (!form.dir) throw new H2OError(412, "Required field dir not specified");
    const path = ctx.roots.resolve(form.dir, "dir");
    let model: DeepLearningModel;
    try {
      model = await DeepLearningModel.load(path);
    } catch (e) {
      throw new H2OError(412, `Illegal argument: dir of function: importModel: ${(e as Error).message}`);
    }
    if (store.locked(model.modelId)) throw new H2OError(412, `Cannot load over '${model.modelId}': a running job is using it`);
    const stored = { model, input: {}, trainingFrame: null, validationFrame: null, timestamp: Date.now() };
    await store.putModel(stored);
    return json({ __meta: meta("ModelsV3", "Models"), model_id: keyRef("Model", model.modelId), models: [modelJson(stored, ctx.specs)], compatible_frames: null });
  };
  app.post("/99/Models.bin/:id?", loadModel);
  app.post("/99/Models.bin", loadModel);

}

/** What a Predictions request asks for: predictions, deep features of one hidden layer, or reconstruction errors. */
type ScoringRequest = { kind: "predict" } | { kind: "deepfeatures"; layer: number } | { kind: "anomaly"; perFeature: boolean };

/**
 * Reads a Predictions form, refusing (412, field named) what cannot be scored before any job
 * starts: a layer that is not a hidden layer's index, a named layer, reconstruction errors of a
 * model that is not an autoencoder, or reconstruction errors and deep features together.
 */
function scoringRequest(model: DeepLearningModel, form: Form): ScoringRequest {
  const bad = (field: string, why: string) => new H2OError(412, `Illegal argument for field: ${field}: ${why}`);
  if (form.deep_features_hidden_layer_name !== undefined && keyName(form.deep_features_hidden_layer_name) !== undefined) {
    throw bad("deep_features_hidden_layer_name", "Tide's hidden layers have no names; ask for a layer by its 0-based index, deepfeatures(frame, 0)");
  }
  const layerText = form.deep_features_hidden_layer?.trim();
  const layer = layerText === undefined || layerText === "" || layerText === "-1" ? null : Number(layerText);
  const anomaly = bool(form.reconstruction_error) || bool(form.reconstruction_error_per_feature);
  if (anomaly && layer !== null) throw bad("deep_features_hidden_layer", "ask for either reconstruction errors or deep features, not both");
  if (anomaly) {
    if (!model.isAutoencoder) throw bad("reconstruction_error", `model '${model.modelId}' is not an autoencoder (it predicts "${model.data.params.response_column}"); train one with H2OAutoEncoderEstimator or autoencoder=True`);
    return { kind: "anomaly", perFeature: bool(form.reconstruction_error_per_feature) };
  }
  if (layer === null) return { kind: "predict" };
  const hidden = model.data.shape.units.length - 2;
  if (!Number.isInteger(layer) || layer < 0 || layer >= hidden) {
    throw bad("deep_features_hidden_layer", hidden === 0 ? `model '${model.modelId}' has no hidden layer`
      : `"${layerText}" is not a hidden layer of model '${model.modelId}': use 0 … ${hidden - 1} (0 is the first hidden layer)`);
  }
  return { kind: "deepfeatures", layer };
}

/** Scores a frame as the request asks; the frame has H2O's column names. */
async function score(model: DeepLearningModel, frame: FrameT, request: ScoringRequest): Promise<FrameT> {
  if (request.kind === "anomaly") return await model.anomaly(frame, { perFeature: request.perFeature });
  if (request.kind === "deepfeatures") return await model.deepfeatures(frame, request.layer);
  return h2oPredictionNames(await model.predict(frame));
}

function responseDomain(model: DeepLearningModel): readonly string[] | null {
  const r = model.data.preprocessor.response;
  return r?.kind === "categorical" ? r.domain : null;
}

/** H2O's probability column names: `p<label>` when the class label is an integer (`p0` … `p9`). */
function h2oPredictionNames(pred: FrameT): FrameT {
  return new Frame(pred.columns.map((c, j) => (j > 0 && /^-?\d+$/.test(c.name) ? { ...c, name: `p${c.name}` } : c)));
}

export function validationMessage(m: Message): Record<string, unknown> {
  return { __meta: meta("ValidationMessageV3", "ValidationMessage"), message_type: m.level === "error" ? "ERRR" : m.level === "warn" ? "WARN" : "INFO", field_name: m.field, message: m.message };
}

function sameValue(a: unknown, b: unknown): boolean {
  if (Array.isArray(a) && Array.isArray(b)) return a.length === b.length && a.every((x, i) => x === b[i]);
  return a === b;
}

function hex4(): string {
  return Math.floor(Math.random() * 0x10000).toString(16).padStart(4, "0");
}

/**
 * Validates a builder request (declarations first, then the engine's own plan checks) and starts
 * the training job. Throws `BuilderError` (412) with one message per field.
 */
export function startTraining(ctx: ServerContext, form: Form): { job: ReturnType<ServerContext["jobs"]["start"]>; messages: Message[] } {
  const { store } = ctx;
  const given = keyName(form.model_id);
  const modelId = given ?? `DeepLearning_model_python_${ctx.started}_${ctx.next()}`;
  const { trainKey, validKey, train, valid, params, messages, y } = readBuilder(ctx, { ...form, model_id: modelId }, []);
  if (store.locked(modelId)) messages.push({ level: "error", field: "model_id", message: `Model '${modelId}' is being trained by a running job` });
  if (messages.some((m) => m.level === "error")) throw new BuilderError(modelId, messages, null);

  // The engine's own cross-field checks (distribution vs response, features not built yet, …).
  // A checkpoint restart plans with the checkpoint's parameters under the ones sent, as the engine does.
  const ckpt = params.checkpoint ? store.model(params.checkpoint, "checkpoint").model.data : null;
  try {
    const plan = resolvePlan(ckpt ? { ...ckpt.params, ...params } : params, train!, plugins, { hasValidation: !!valid, cores: ctx.options.nthreads || globalThis.navigator?.hardwareConcurrency || 1 });
    const found = [...plan.messages, ...(ckpt ? checkpointMessages(ckpt, plan, params, !!valid) : []), ...pretrainedPlanMessages(ctx, params, plan)];
    if (found.some((m) => m.level === "error")) throw new BuilderError(modelId, found, null);
    messages.push(...found.filter((m) => !messages.some((x) => x.field === m.field && x.message === m.message)));
  } catch (e) {
    if (e instanceof BuilderError) throw e;
    if (!(e instanceof RangeError)) throw e;
    const structured = (e as { messages?: Message[] }).messages;
    throw new BuilderError(modelId, structured ?? splitEngineMessage(e.message, Object.keys(ctx.specs)), null);
  }

  const job = ctx.jobs.start("DeepLearning", { kind: "Model", name: modelId }, (jc) => store.withLocks([trainKey, validKey, modelId, params.pretrained_autoencoder], async () => {
    // With nfolds the fold models train first, then the main model: progress spans all of them.
    let part = 0, parts = 1, label = "";
    const onEvent = (e: DeepLearningEvent) => {
      jc.event(e);
      if (e.type === "model") {
        part = e.role === "main" ? e.count - 1 : e.index - 1;
        parts = e.count;
        label = e.role === "main" ? `main model (${e.count - 1} folds done): ` : `fold ${e.index} of ${e.count - 1}: `;
      } else if (e.type === "progress") {
        const f = Math.min(1, e.epochs / Math.max(e.targetEpochs, 1e-9));
        jc.progress(Math.min(0.99, (part + f) / parts), `${label}epoch ${e.epochs.toFixed(2)} of ${e.targetEpochs}, ${Math.round(e.samplesPerSecond)} samples/s`);
      }
    };
    const args = { params: engineParams(ctx, params), y: y!, train: train!, valid: valid ?? null, signal: jc.signal, onEvent };
    const { data, folds, cancelled } = ctx.options.workers && typeof Worker !== "undefined" ? await trainInWorker(args) : await trainHere(args);
    // Warnings already returned with the builder's answer are not repeated by the job.
    const told = new Set(messages.map((m) => m.message));
    for (const m of data.output.messages) if (m.level === "warn" && !told.has(m.message)) jc.warn(m.message);
    const base = { input: form, trainingFrame: trainKey!, validationFrame: validKey ?? null, timestamp: Date.now() };
    for (const f of folds) await store.putModel({ ...base, model: new DeepLearningModel(f) });
    await store.putModel({ ...base, model: new DeepLearningModel(data) });
    if (cancelled) throw new DOMException("Training was cancelled; the best model scored so far is kept", "AbortError");
  }));
  return { job, messages };
}

/**
 * The engine's `pretrained_autoencoder` checks that need no data (an autoencoder, the same hidden
 * layers and channels), before a job starts. The inputs are compared by the engine once it has
 * expanded them: here the autoencoder's own inputs stand in, so only the network is checked.
 */
function pretrainedPlanMessages(ctx: ServerContext, params: Readonly<Record<string, string>>, plan: ReturnType<typeof resolvePlan>): Message[] {
  if (!params.pretrained_autoencoder) return [];
  const ae = ctx.store.model(params.pretrained_autoencoder, "pretrained_autoencoder").model.data;
  const hidden = plan.params.hidden as number[];
  return pretrainedMessages(ae, { units: [0, ...hidden, 0], channels: plan.activation.channels ?? 1 }, ae.preprocessor);
}

/** A builder request's frames and parameters, checked; `skip` names fields that are not model parameters. */
export function readBuilder(ctx: ServerContext, form: Form, skip: readonly string[]): {
  trainKey: string | undefined; validKey: string | undefined; train: FrameT | undefined; valid: FrameT | undefined;
  params: Record<string, string>; messages: Message[]; y: string | undefined;
} {
  const { store } = ctx;
  const trainKey = keyName(form.training_frame), validKey = keyName(form.validation_frame);
  const params: Record<string, string> = {};
  for (const [k, v] of Object.entries(form)) if (!(FRAME_FIELDS as readonly string[]).includes(k) && !skip.includes(k)) params[k] = v;
  for (const k of ["response_column", "weights_column", "offset_column", "fold_column", "checkpoint", "pretrained_autoencoder", "model_id"]) {
    if (params[k] !== undefined) params[k] = keyName(params[k]) ?? "";
    if (params[k] === "") delete params[k];
  }
  const { params: typed, messages } = parseParams(ctx.specs, params);
  // h2o-py sends every parameter, defaults included; the engine gets only those that differ from
  // the declared default, so its "you set X, which has no effect" notes speak about user choices.
  for (const [k, v] of Object.entries(typed)) if (k in params && k !== "model_id" && sameValue(v, ctx.specs[k]?.default)) delete params[k];
  if (ctx.options.nthreads > 0 && params.nthreads === undefined && typed.reproducible !== true) params.nthreads = String(ctx.options.nthreads);

  const err = (field: string, message: string) => messages.push({ level: "error", field, message });
  const train = trainKey ? store.frames.get(trainKey) : undefined;
  const valid = validKey ? store.frames.get(validKey) : undefined;
  if (!trainKey) err("training_frame", "Required field training_frame not specified");
  else if (!train) err("training_frame", `Training frame '${trainKey}' not found`);
  if (validKey && !valid) err("validation_frame", `Validation frame '${validKey}' not found`);
  const y = params.response_column;
  if (!y && !bool(params.autoencoder)) err("response_column", "Required field response_column not specified: name the column to predict");
  else if (y && train && !train.has(y)) err("response_column", `Response column '${y}' not found in frame '${trainKey}'`);
  if (params.checkpoint && !store.models.has(params.checkpoint)) err("checkpoint", `Checkpoint model '${params.checkpoint}' not found`);
  if (params.pretrained_autoencoder && !store.models.has(params.pretrained_autoencoder)) {
    err("pretrained_autoencoder", `Pretrained autoencoder '${params.pretrained_autoencoder}' not found: train it first (H2OAutoEncoderEstimator) or load it with h2o.load_model`);
  }
  return { trainKey, validKey, train, valid, params, messages, y };
}

/** Trains on the event loop (tests, hosts without Workers). */
async function trainHere(t: Parameters<typeof trainInWorker>[0]): Promise<Trained> {
  const dl = new DeepLearning(t.params);
  const keep = bestSoFar();
  try {
    const model = await dl.train({ y: t.y, training_frame: t.train, validation_frame: t.valid, signal: t.signal, onEvent: t.onEvent, hooks: [keep.hook] });
    return { data: model.data, folds: dl.crossValidationModels.map((m) => m.data) };
  } catch (e) {
    const best = keep.best();
    if ((e as Error)?.name !== "AbortError" || !best) throw e;
    return { data: best, folds: [], cancelled: true };
  }
}

/** The parameters as the engine takes them: a checkpoint or pretrained autoencoder model id becomes that model's data. */
export function engineParams(ctx: ServerContext, params: Readonly<Record<string, string>>): Record<string, unknown> {
  const out: Record<string, unknown> = { ...params };
  if (params.checkpoint) out.checkpoint = ctx.store.model(params.checkpoint, "checkpoint").model.data;
  if (params.pretrained_autoencoder) out.pretrained_autoencoder = ctx.store.model(params.pretrained_autoencoder, "pretrained_autoencoder").model.data;
  return out;
}

/**
 * The engine reports refused plans as one `RangeError` ("Cannot train: a; b"); this splits it
 * back into messages and names each one's field from the declared names it mentions.
 */
export function splitEngineMessage(text: string, fields: readonly string[]): Message[] {
  const body = text.replace(/^Cannot train:\s*/, "");
  const starts = (s: string) => /^["A-Z]/.test(s) || fields.some((f) => s.startsWith(`${f} `) || s.startsWith(`${f}:`));
  const parts: string[] = [];
  for (const p of body.split("; ")) {
    if (parts.length && !starts(p)) parts[parts.length - 1] += `; ${p}`;
    else parts.push(p);
  }
  return parts.map((message) => {
    const quoted = /"([a-z0-9_]+)"/.exec(message)?.[1];
    const field = quoted && fields.includes(quoted) ? quoted : fields.find((f) => message.startsWith(`${f} `)) ?? fields.find((f) => message.includes(f)) ?? "parameters";
    return { level: "error" as const, field, message };
  });
}
