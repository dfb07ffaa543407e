/**
 * Grid search (spec §11): one Deep Learning model per combination of hyper-parameter values,
 * walked Cartesian or RandomDiscrete, within the grid's budgets (model count, time, grid-level
 * early stopping). A combination the trainer refuses is recorded and skipped; each finished
 * model is written to `outDir/<model_id>.tide` at once, so an interrupted grid keeps every
 * model it finished.
 * @module
 */
import { join } from "node:path";
import type { Backend, BackendChooser } from "../../core/backend.ts";
import type { Message } from "../../core/params.ts";
import { parseParams } from "../../core/params.ts";
import { convergenceStop, NON_NEGATIVE_METRICS } from "../../core/train/early_stopping.ts";
import { paramSpecs, type PluginSet } from "../../core/train/resolve.ts";
import { metricValue, moreIsBetter } from "../../core/train/score.ts";
import type { TrainEvent } from "../../core/train/train.ts";
import type { Frame } from "../../frame/frame.ts";
import { backendFor } from "../../backends/mod.ts";
import * as builtins from "../../plugins/mod.ts";
import { DeepLearning } from "../../model/deep_learning.ts";
import type { DeepLearningModel } from "../../model/model.ts";
import type { CrossValidationEvent } from "../cross_validation/cross_validate.ts";
import { defaultSortBy, rankingMetrics, SORT_METRICS, sortModels } from "./leaderboard.ts";
import { cartesian, parseHyperParams, parseSearchCriteria, randomDiscrete, type SearchCriteria } from "./space.ts";

/** What {@linkcode gridSearch} takes. */
export interface GridInput {
  readonly training_frame: Frame;
  readonly validation_frame?: Frame | null;
  /** Response column. */
  readonly y: string;
  /** Predictor columns (default: every other column). */
  readonly x?: readonly string[];
  /** Parameters every model shares (H2O names). */
  readonly params?: Readonly<Record<string, unknown>>;
  /** Values to search, by parameter: `{ hidden: [[32, 32], [64, 64]], l1: [0, 1e-5] }` (or its JSON). */
  readonly hyper_params: unknown;
  /** `{ strategy: "RandomDiscrete", max_models: 10, … }` (or its JSON); default Cartesian. */
  readonly search_criteria?: unknown;
  /** Grid name; models are `<grid_id>_model_<n>` (default: a fresh name). */
  readonly grid_id?: string;
  /** Folder to write each finished model to, as `<model_id>.tide` (none: keep them in memory only). */
  readonly out_dir?: string | null;
  /** Leaderboard metric (default: logloss for classification, residual_deviance for regression). */
  readonly sort_by?: string;
  readonly decreasing?: boolean;
  /** Models built at once; Tide builds one at a time (each on nthreads threads), so only 1. */
  readonly parallelism?: number;
  readonly plugins?: PluginSet;
  /** A backend instance, or a chooser for "auto" (default: the `backend` parameter, "auto"). */
  readonly backend?: Backend | BackendChooser;
  readonly onEvent?: (e: GridEvent) => void;
  /** Stops the grid; finished models are kept and the result says "cancelled". */
  readonly signal?: AbortSignal;
}

/** One model of a grid. */
export interface GridModel {
  readonly model: DeepLearningModel;
  /** This model's hyper-parameter values. */
  readonly hyperParams: Readonly<Record<string, unknown>>;
  /** Where it was written, when out_dir was given. */
  readonly path: string | null;
}

/** A combination that did not build, and why. */
export interface GridFailure {
  readonly modelId: string;
  readonly hyperParams: Readonly<Record<string, unknown>>;
  readonly error: string;
}

/** Events while the grid runs. */
export type GridEvent =
  | { readonly type: "model_start"; readonly index: number; readonly modelId: string; readonly hyperParams: Readonly<Record<string, unknown>> }
  | { readonly type: "model_done"; readonly index: number; readonly model: GridModel; readonly seconds: number }
  | { readonly type: "model_failed"; readonly index: number; readonly failure: GridFailure }
  | { readonly type: "train"; readonly event: TrainEvent | CrossValidationEvent };

/** A finished (or stopped) grid. */
export interface GridResult {
  readonly gridId: string;
  /** Sorted best first by `sortBy` (decreasing when `decreasing`). */
  readonly models: readonly GridModel[];
  readonly failures: readonly GridFailure[];
  readonly sortBy: string;
  readonly decreasing: boolean;
  readonly criteria: SearchCriteria;
  /** Combinations in the space. */
  readonly spaceSize: number;
  /** "completed", "max_models", "time limit", "stopped early", "exhausted", "cancelled" or "failed". */
  readonly status: string;
  readonly runTimeMs: number;
  /** Problems that did not stop the grid (a sort metric no model has, say). */
  readonly warnings: readonly string[];
}

/** Consecutive failed builds, with no model built yet, after which the grid gives up. */
export const MAX_FAILURES_WITHOUT_MODEL = 20;

/** Checks a grid's inputs; one message per problem, each naming its field. Nothing trains. */
export function checkGrid(input: Pick<GridInput, "params" | "hyper_params" | "search_criteria" | "parallelism" | "sort_by">, plugins: PluginSet = builtins): Message[] {
  const specs = paramSpecs(plugins);
  const fixed = input.params ?? {};
  const messages = parseParams(specs, fixed).messages.filter((m) => m.level === "error");
  messages.push(...parseHyperParams(input.hyper_params, specs, fixed).messages);
  messages.push(...parseSearchCriteria(input.search_criteria).messages);
  if (fixed.model_id !== undefined) messages.push({ level: "error", field: "model_id", message: `"model_id" names one model; grid models are named <grid_id>_model_<n>: give "grid_id" instead` });
  if (input.parallelism !== undefined && input.parallelism !== 1) {
    messages.push({ level: "error", field: "parallelism", message: `"parallelism" = ${input.parallelism} is not supported: Tide builds grid models one at a time, each on "nthreads" threads; use 1` });
  }
  if (input.sort_by !== undefined && !SORT_METRICS.includes(input.sort_by.toLowerCase())) {
    messages.push({ level: "error", field: "sort_by", message: `"sort_by" = ${input.sort_by} is not a metric: use one of ${SORT_METRICS.join(", ")}` });
  }
  return messages;
}

/**
 * Runs a grid search. Rejects with a `RangeError` naming every bad input before any model
 * trains; a combination that fails to build is recorded in `failures` and skipped.
 * @example
 * ```ts
 * const grid = await gridSearch({ y: "species", training_frame: iris, params: { epochs: 1 },
 *   hyper_params: { hidden: [[8], [16]], l1: [0, 1e-4] }, out_dir: "models" });
 * console.log(formatLeaderboard(grid));
 * ```
 */
export async function gridSearch(input: GridInput): Promise<GridResult> {
  const t0 = performance.now();
  const plugins = input.plugins ?? builtins;
  const problems = checkGrid(input, plugins);
  if (problems.length) throw new RangeError(`Cannot run the grid: ${problems.map((m) => m.message).join("; ")}`);
  const specs = paramSpecs(plugins);
  const fixed = { ...(input.params ?? {}) };
  const { space } = parseHyperParams(input.hyper_params, specs, fixed);
  const { criteria } = parseSearchCriteria(input.search_criteria);
  const random = criteria.strategy === "RandomDiscrete";
  const backend = input.backend ?? (await backendFor(String(fixed.backend ?? "auto")));
  const gridId = input.grid_id ?? `Grid_DeepLearning_${Date.now().toString(36)}`;
  const deadline = criteria.max_runtime_secs > 0 ? t0 + criteria.max_runtime_secs * 1000 : Infinity;
  // H2O's seed rule (spec §11.3): model m gets grid seed + m when its own seed is left at the default.
  const seedFromGrid = fixed.seed === undefined && !space.spaces.some((s) => "seed" in s) && criteria.seed !== -1;

  const models: GridModel[] = [];
  const failures: GridFailure[] = [];
  let status = "completed";
  let attempted = 0;
  const walk = random ? randomDiscrete(space, criteria.seed) : cartesian(space);
  for (const combo of walk) {
    if (input.signal?.aborted) {
      status = "cancelled";
      break;
    }
    const remaining = (deadline - performance.now()) / 1000;
    if (remaining <= 0) {
      status = "time limit";
      break;
    }
    const m = attempted++;
    const modelId = `${gridId}_model_${m + 1}`;
    const params: Record<string, unknown> = { ...fixed, ...combo, model_id: modelId };
    if (seedFromGrid) params.seed = criteria.seed + m;
    if (deadline !== Infinity) {
      const own = Number(params.max_runtime_secs ?? 0);
      params.max_runtime_secs = own > 0 ? Math.min(own, remaining) : remaining;
    }
    input.onEvent?.({ type: "model_start", index: m + 1, modelId, hyperParams: combo });
    const s0 = performance.now();
    try {
      const model = await new DeepLearning(params, plugins).train({
        y: input.y, x: input.x, training_frame: input.training_frame, validation_frame: input.validation_frame ?? null, backend,
        signal: input.signal, onEvent: input.onEvent && ((event) => input.onEvent!({ type: "train", event })),
      });
      const path = input.out_dir ? await model.save(join(input.out_dir, `${modelId}.tide`)) : null;
      const done: GridModel = { model, hyperParams: combo, path };
      models.push(done);
      input.onEvent?.({ type: "model_done", index: m + 1, model: done, seconds: (performance.now() - s0) / 1000 });
    } catch (e) {
      if ((e as Error)?.name === "AbortError" || input.signal?.aborted) {
        status = "cancelled";
        break;
      }
      const failure: GridFailure = { modelId, hyperParams: combo, error: (e as Error)?.message ?? String(e) };
      failures.push(failure);
      input.onEvent?.({ type: "model_failed", index: m + 1, failure });
      if (models.length === 0 && failures.length >= MAX_FAILURES_WITHOUT_MODEL) {
        status = "failed";
        break;
      }
      continue;
    }
    if (random && criteria.max_models > 0 && models.length >= criteria.max_models) {
      status = "max_models";
      break;
    }
    if (random && gridStop(models, criteria)) {
      status = "stopped early";
      break;
    }
  }
  if (status === "completed" && random && attempted < space.size) status = "exhausted";
  if (status === "completed" && models.length === 0 && failures.length) status = "failed";
  const problem = models[0]?.model.data.problem ?? "classification";
  const sortBy = input.sort_by ?? defaultSortBy(problem);
  const decreasing = input.decreasing ?? false;
  const warnings: string[] = [];
  let sorted = models;
  try {
    sorted = sortModels(models.map((g) => ({ ...g, data: g.model.data })), sortBy, decreasing).map(({ data: _, ...g }) => g);
  } catch (e) {
    warnings.push(`${(e as Error).message}; the models are listed in build order`); // the models are kept either way
  }
  return { gridId, models: sorted, failures, sortBy, decreasing, criteria, spaceSize: space.size, status, runTimeMs: performance.now() - t0, warnings };
}

/**
 * Grid-level early stopping (spec §11.4): the finished models' metric values sorted so the best
 * is last, then the moving-average test of §8.1 with the search's rounds and tolerance.
 */
function gridStop(models: readonly GridModel[], c: SearchCriteria): boolean {
  if (c.stopping_rounds <= 0 || models.length === 0) return false;
  const metric = c.stopping_metric === "AUTO" ? (models[0].model.data.problem === "classification" ? "logloss" : "deviance") : c.stopping_metric;
  const more = moreIsBetter(metric);
  const values = models
    .map((g) => rankingMetrics(g.model.data).metrics)
    .filter((m) => m !== null)
    .map((m) => metricValue(m!, metric))
    .filter((v) => !Number.isNaN(v))
    .sort((a, b) => (more ? a - b : b - a));
  return convergenceStop(values, c.stopping_rounds, c.stopping_tolerance, more, NON_NEGATIVE_METRICS.has(metric));
}
