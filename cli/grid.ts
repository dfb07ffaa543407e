/**
 * `tide grid`: a grid search over Deep Learning hyper-parameters (H2O's `H2OGridSearch`): every
 * fixed parameter is a flag as in `tide train`, the searched ones go in `--hyper_params` as JSON;
 * each finished model is written to `--out_dir` at once; the leaderboard prints sorted.
 * @module
 */
import process from "node:process";
import type { ParamSpecs } from "../core/params.ts";
import { deepLearningParams } from "../core/train/parameters.ts";
import { paramSpecs } from "../core/train/resolve.ts";
import { checkGrid, gridSearch } from "../lifecycle/grid/grid.ts";
import { defaultSortBy, formatLeaderboard, rankingMetrics, sortValue } from "../lifecycle/grid/leaderboard.ts";
import * as plugins from "../plugins/mod.ts";
import type { Command } from "./_command.ts";
import { commandHelp, ordered } from "./_command.ts";
import { parseFlags, requireFlag, UsageError, wantsHelp } from "./_flags.ts";
import type { Io } from "./_io.ts";
import { metric, seconds } from "./_io.ts";
import { importTimed } from "./_training.ts";

const GRID = "Grid search";

/** Flags of `tide grid` that are not model parameters. */
export const GRID_CLI_FLAGS: ParamSpecs = {
  hyper_params: { type: "string", default: null, section: GRID, help: `Values to search, as JSON: '{"hidden":[[32,32],[64,64]],"l1":[0,1e-5]}' (gridable parameters only; "subspaces" allowed)` },
  search_criteria: { type: "string", default: null, section: GRID, help: `Strategy and budgets, as JSON: '{"strategy":"RandomDiscrete","max_models":10,"max_runtime_secs":60,"seed":1,"stopping_rounds":3}' (default Cartesian)` },
  grid_id: { type: "string", default: null, section: GRID, help: "Grid name; models are <grid_id>_model_<n> (default: a fresh name)" },
  out_dir: { type: "string", default: null, section: GRID, help: "Folder for the models: each is written as <model_id>.tide as soon as it finishes (required)" },
  sort_by: { type: "string", default: null, section: GRID, help: "Leaderboard metric: logloss, auc, rmse, mse, r2, mae, err, residual_deviance, f1, … (default logloss, or residual_deviance for regression)" },
  decreasing: { type: "bool", default: false, section: GRID, help: "Sort the leaderboard from the largest value (for auc, r2, …)" },
  parallelism: { type: "int", default: 1, min: 0, section: GRID, help: "Models built at once; Tide builds one at a time (each on nthreads threads), so only 1" },
  x: { type: "string[]", default: null, section: GRID, help: "Predictor columns (default: every column but the response and ignored_columns)" },
  quiet: { type: "bool", default: false, section: GRID, help: "Print only the leaderboard and the summary line" },
};

/** Every flag `tide grid` accepts: its own, then the Deep Learning parameters as fixed values. */
export function gridFlags(): ParamSpecs {
  return ordered({ ...GRID_CLI_FLAGS, ...paramSpecs(plugins) }, [...Object.keys(GRID_CLI_FLAGS), ...Object.keys(deepLearningParams)]);
}

/** `tide grid`. */
export const grid: Command = {
  name: "grid",
  summary: "Grid search over hyper-parameters: train one model per combination, save each, print the leaderboard",
  usage: "tide grid --training_frame FILE --y COLUMN --hyper_params JSON --out_dir DIR [--validation_frame FILE] [--search_criteria JSON] [--sort_by METRIC --decreasing] [--<param> VALUE …]",
  description: [
    "Trains one Deep Learning model per combination of --hyper_params values (Cartesian, or RandomDiscrete",
    "draws with --search_criteria), every other parameter fixed as a flag, as in tide train. Each finished model",
    "is written to --out_dir/<model_id>.tide at once; a combination that cannot train is reported and skipped;",
    "Ctrl-C stops the grid and keeps the finished models. The leaderboard reads cross-validation metrics when",
    "the models have them (--nfolds), else validation, else training metrics.",
    "",
    "Example:",
    "  tide grid --training_frame train.csv.gz --validation_frame test.csv.gz --y C785 --epochs 1 \\",
    `    --hyper_params '{"hidden":[[32,32],[64,64]],"l1":[0,1e-5]}' \\`,
    `    --search_criteria '{"strategy":"RandomDiscrete","max_models":3,"seed":1}' --out_dir models`,
  ].join("\n"),
  flags: gridFlags,
  async run(argv: readonly string[], io: Io): Promise<number> {
    if (wantsHelp(argv)) {
      io.out(commandHelp(grid));
      return 0;
    }
    const parsed = parseFlags(argv, gridFlags());
    requireFlag(parsed, "training_frame", "the training data, a CSV or .csv.gz file");
    if (parsed.values.autoencoder !== true) requireFlag(parsed, "response_column", "the column to predict (or --autoencoder true)", "--y (response_column)");
    requireFlag(parsed, "hyper_params", `the values to search, e.g. '{"hidden":[[32],[64]]}'`);
    requireFlag(parsed, "out_dir", "the folder the models are written to");
    if (parsed.errors.length) throw new UsageError(parsed.errors, "grid");
    const { hyper_params, search_criteria, grid_id, out_dir, sort_by, decreasing, parallelism, x, quiet, training_frame, validation_frame, ...params } = parsed.values;

    // Every problem with the search itself is reported before the data is read.
    const problems = checkGrid({ params, hyper_params, search_criteria: search_criteria ?? undefined, parallelism: parallelism as number | undefined, sort_by: sort_by as string | undefined }, plugins);
    if (problems.length) throw new UsageError(problems.map((m) => m.message), "grid");
    const tr = await importTimed(training_frame as string, io, { quiet: quiet === true });
    const va = validation_frame ? await importTimed(validation_frame as string, io, { quiet: quiet === true }) : null;
    const controller = new AbortController();
    const onSigint = () => {
      if (controller.signal.aborted) process.exit(130);
      io.err("\nStopping the grid; the finished models are kept (Ctrl-C again exits at once)\n");
      controller.abort();
    };
    process.on("SIGINT", onSigint);
    let result;
    try {
      result = await gridSearch({
        training_frame: tr.frame, validation_frame: va?.frame ?? null, y: params.response_column as string, x: (x as string[] | undefined) ?? undefined,
        params, hyper_params, search_criteria: search_criteria ?? undefined, grid_id: grid_id as string | undefined,
        out_dir: out_dir as string, sort_by: sort_by as string | undefined, decreasing: decreasing as boolean | undefined,
        parallelism: parallelism as number | undefined, signal: controller.signal,
        onEvent: (e) => {
          if (quiet) return;
          if (e.type === "model_start") io.err(`Model ${e.index}: ${e.modelId} ${JSON.stringify(e.hyperParams)}\n`);
          else if (e.type === "model_failed") io.err(`  skipped: ${e.failure.error}\n`);
          else if (e.type === "model_done") {
            const r = rankingMetrics(e.model.model.data);
            const m = r.metrics ? sortValue(r.metrics, (sort_by as string | undefined) ?? defaultSortBy(r.metrics.model_category === "Regression" ? "regression" : r.metrics.model_category === "AutoEncoder" ? "autoencoder" : "classification")) : undefined;
            io.err(`  done in ${seconds(e.seconds)}${m === undefined ? "" : `, ${r.on} ${(sort_by as string | undefined) ?? defaultSortBy(r.metrics!.model_category === "Regression" ? "regression" : r.metrics!.model_category === "AutoEncoder" ? "autoencoder" : "classification")} ${metric(m)}`}; written to ${e.model.path}\n`);
          }
        },
      });
    } finally {
      process.off("SIGINT", onSigint);
    }
    if (result.models.length) io.out(`${formatLeaderboard(result)}\n`);
    for (const w of result.warnings) io.err(`warning: ${w}\n`);
    if (result.failures.length) {
      io.out(`\nSkipped ${result.failures.length} combination${result.failures.length === 1 ? "" : "s"}:\n`);
      for (const f of result.failures) io.out(`  ${JSON.stringify(f.hyperParams)}: ${f.error}\n`);
    }
    io.out(`\nGrid ${result.gridId}: ${result.status}; ${result.models.length} model${result.models.length === 1 ? "" : "s"} built of ${result.spaceSize} combinations, ${result.failures.length} skipped, in ${seconds(result.runTimeMs / 1000)}; models in ${out_dir}\n`);
    if (result.status === "cancelled") return 130;
    return result.models.length ? 0 : 1;
  },
};
