/**
 * Grid search (spec §3.17–3.18): `POST /99/Grid/deeplearning` checks the grid (parameters,
 * H2O's lenient-JSON `hyper_parameters` and `search_criteria`) before a job starts, then runs
 * the library's `gridSearch` in the training Worker; each finished model is stored as it comes.
 * `GET /99/Grids/{id}` sorts the models by any metric `sort_by` names.
 * @module
 */
import type { Hono } from "hono";
import type { Message } from "../core/params.ts";
import type { ModelData } from "../core/train/train.ts";
import { checkGrid, type GridFailure } from "../lifecycle/grid/grid.ts";
import { defaultSortBy, rankingMetrics, SORT_METRICS, sortModels, sortValue } from "../lifecycle/grid/leaderboard.ts";
import { parseHyperParams, parseSearchCriteria } from "../lifecycle/grid/space.ts";
import { DeepLearningModel } from "../model/model.ts";
import type { ServerContext } from "./app.ts";
import { table } from "./model_json.ts";
import { engineParams, readBuilder } from "./routes_models.ts";
import { gridInWorker } from "./training.ts";
import { bool, BuilderError, H2OError, json, keyName, keyRef, meta, parseLenientJson, readForm } from "./wire.ts";

/** A grid the server holds. */
export interface GridRecord {
  readonly id: string;
  readonly hyperNames: readonly string[];
  /** Built models in the order they finished, with their hyper-parameter values. */
  readonly models: { readonly id: string; readonly hyper: Readonly<Record<string, unknown>> }[];
  readonly failures: GridFailure[];
  readonly warnings: string[];
  status: string;
}

const GRID_FIELDS = ["hyper_parameters", "search_criteria", "grid_id", "parallelism", "recovery_dir"];

/** Registers the grid routes. */
export function gridRoutes(app: Hono, ctx: ServerContext): void {
  const { store } = ctx;
  const grids = store.grids;

  app.post("/99/Grid/deeplearning", async (c) => {
    const form = await readForm(c.req.raw);
    const { trainKey, validKey, train, valid, params, messages, y } = readBuilder(ctx, form, GRID_FIELDS);
    const gridId = keyName(form.grid_id) ?? `Grid_DeepLearning_${trainKey}_model_python_${ctx.started}_${ctx.next()}`;
    let hyper: unknown = undefined, criteria: unknown = undefined;
    try {
      hyper = parseLenientJson(form.hyper_parameters ?? "");
      if (form.search_criteria) criteria = parseLenientJson(form.search_criteria);
    } catch (e) {
      throw new H2OError(412, `Can't parse the hyper_parameters dictionary: ${(e as Error).message}`);
    }
    if (!hyper || typeof hyper !== "object" || Array.isArray(hyper)) throw new H2OError(412, "Can't parse the hyper_parameters dictionary: expected {name: [values…]}");
    // Hyper-parameters override the same-named plain parameters the client also sends.
    for (const name of Object.keys(hyper as object)) delete params[name];
    const parallelism = form.parallelism === undefined ? undefined : Number(form.parallelism);
    // The library names the map hyper_params; on the wire it is hyper_parameters.
    messages.push(...checkGrid({ params, hyper_params: hyper, search_criteria: criteria, parallelism })
      .map((m) => ({ ...m, field: m.field.replace(/^hyper_params\b/, "hyper_parameters") })));
    if (grids.has(gridId) && ctx.jobs.running().some((j) => j.dest.name === gridId)) messages.push({ level: "error", field: "grid_id", message: `Grid '${gridId}' is being built by a running job` });
    if (messages.some((m: Message) => m.level === "error")) throw new BuilderError(gridId, messages, null);

    const { space } = parseHyperParams(hyper, ctx.specs, params);
    const { criteria: sc } = parseSearchCriteria(criteria);
    const expected = Math.max(1, sc.strategy === "RandomDiscrete" && sc.max_models > 0 ? Math.min(sc.max_models, space.size) : space.size);
    const record: GridRecord = { id: gridId, hyperNames: Object.keys(hyper as object), models: [], failures: [], warnings: [], status: "running" };
    await store.putGrid(record);
    const job = ctx.jobs.start("Grid Search", { kind: "Grid", name: gridId }, (jc) => store.withLocks([trainKey, validKey, gridId], async () => {
      let done = 0, index = 0;
      const onEvent = (e: { type: string; index?: number; epochs?: number; targetEpochs?: number }) => {
        // A model's start also says how many the grid plans (fewer may run: stopping criteria).
        jc.event(e.type === "grid_model" ? { ...e, count: expected } : e);
        if (e.type === "grid_model") index = e.index!;
        else if (e.type === "progress") jc.progress(Math.min(0.99, (done + Math.min(1, e.epochs! / Math.max(e.targetEpochs!, 1e-9))) / expected), `model ${index}: epoch ${e.epochs!.toFixed(2)} of ${e.targetEpochs}`);
      };
      const base = { input: form, trainingFrame: trainKey!, validationFrame: validKey ?? null };
      const pending: Promise<void>[] = [];
      await gridInWorker({ params: engineParams(ctx, params), y: y!, train: train!, valid: valid ?? null, signal: jc.signal, onEvent, hyper, criteria, gridId }, (m) => {
        if (m.type === "grid_model") {
          const model = new DeepLearningModel(m.data as ModelData);
          record.models.push({ id: model.modelId, hyper: m.hyper as Record<string, unknown> });
          done++;
          // The grid file names a model only once the model's own file is written.
          pending.push(store.putModel({ ...base, model, timestamp: Date.now() }).then(() => store.putGrid(record)));
        } else if (m.type === "grid_failed") {
          record.failures.push(m.failure as GridFailure);
          done++;
          pending.push(store.putGrid(record));
        } else if (m.type === "grid_done") {
          record.status = m.status as string;
          record.warnings.push(...(m.warnings as string[]));
        }
      }, ctx.options.workers);
      await Promise.all(pending);
      for (const w of record.warnings) jc.warn(w);
      if (record.status === "cancelled") throw new DOMException("Grid search was cancelled", "AbortError");
    }).finally(async () => {
      if (record.status === "running") record.status = jc.signal.aborted ? "cancelled" : "failed";
      await store.putGrid(record);
    }));
    return json({
      __meta: meta("DeepLearningGridSearchV99", "Grid", 99), grid_id: keyRef("Grid", gridId), total_models: expected,
      hyper_parameters: null, parameters: null, job: job.toJSON(),
    });
  });

  app.get("/99/Grids", () => {
    // Every grid in its default order (h2o-py asks for one grid at a time; this is for scripts and curl).
    const all = [...grids.values()].map((g) => gridJson(ctx, g, undefined, false));
    return json({ __meta: meta("GridsV99", "Grids", 99), grids: all });
  });

  app.get("/99/Grids/:id", (c) => {
    const id = c.req.param("id");
    const g = grids.get(id);
    if (!g) throw new H2OError(404, `Object '${id}' not found for argument: grid_id`, { values: { argument: "grid_id", name: id } });
    return json(gridJson(ctx, g, c.req.query("sort_by"), bool(c.req.query("decreasing"), false)));
  });
}

/** `GridSchemaV99`: the grid's models that still exist, sorted by `sortBy` (default: the problem's usual metric). */
function gridJson(ctx: ServerContext, g: GridRecord, sortByParam: string | undefined, decreasing: boolean): Record<string, unknown> {
  const { store } = ctx;
  const models = g.models.filter((m) => store.models.has(m.id)).map((m) => ({ ...m, data: store.models.get(m.id)!.model.data }));
  const problem = models[0]?.data.problem ?? "classification";
  const sortBy = (sortByParam || defaultSortBy(problem)).toLowerCase();
  if (!SORT_METRICS.includes(sortBy)) throw new H2OError(412, `Invalid argument for sort_by specified. Must be one of: [${SORT_METRICS.join(", ")}]`);
  let sorted;
  try {
    sorted = sortModels(models, sortBy, decreasing);
  } catch (e) {
    throw new H2OError(412, `Invalid argument for sort_by specified: ${(e as Error).message}`);
  }
  const show = (v: unknown) => (Array.isArray(v) ? `[${v.join(", ")}]` : v === undefined ? null : String(v));
  const summary = table("Hyper-Parameter Search Summary", `ordered by ${decreasing ? "decreasing" : "increasing"} ${sortBy}`,
    [...g.hyperNames.map((n) => ({ name: n, type: "string" as const })), { name: "model_ids", type: "string" }, { name: sortBy, type: "double" }],
    sorted.map((m) => {
      const r = rankingMetrics(m.data).metrics;
      return [...g.hyperNames.map((n) => show(m.hyper[n])), m.id, r ? sortValue(r, sortBy) ?? null : null];
    }), sorted.map(() => ""));
  return {
    __meta: meta("GridSchemaV99", "Grid", 99), grid_id: keyRef("Grid", g.id), sort_by: sortBy, decreasing,
    model_ids: sorted.map((m) => keyRef("Model", m.id)), hyper_names: g.hyperNames,
    failed_params: g.failures.map((f) => f.hyperParams), failure_details: g.failures.map((f) => f.error),
    failure_stack_traces: g.failures.map((f) => f.error), failed_raw_params: g.failures.map(() => []), warning_details: g.warnings,
    training_metrics: [], validation_metrics: [], cross_validation_metrics: [], cross_validation_metrics_summary: [],
    summary_table: summary, scoring_history: null, export_checkpoints_dir: null,
  };
}
