/**
 * From user parameters to a training plan: H2O's parameter sanitizing (spec §16.8), AUTO
 * resolution of distribution, loss and stopping metric (§4.4, §8.1), cross-field validation, and
 * the plugins that will run. Every problem is reported at once, each naming its field and fix.
 * @module
 */
import type { Activation } from "../activation.ts";
import type { BoundRegularizer, SoftmaxLoss } from "../backend.ts";
import type { Distribution, DistributionParams } from "../distribution.ts";
import type { Optimizer, OptimizerParams } from "../optimizer.ts";
import type { Message, ParamSpec, ParamSpecs, ParamValues } from "../params.ts";
import { parseParams } from "../params.ts";
import type { Regularizer } from "../regularizer.ts";
import type { Registry } from "../registry.ts";
import type { Frame } from "../../frame/frame.ts";
import { deepLearningParams } from "./parameters.ts";

/** The plugin registries a plan draws from (plugins/mod.ts holds the built-in ones). */
export interface PluginSet {
  readonly activations: Registry<Activation>;
  readonly distributions: Registry<Distribution>;
  readonly optimizers: Registry<Optimizer>;
  readonly regularizers: Registry<Regularizer>;
}

/** The kind of model. */
export type Problem = "classification" | "regression";

/** A fully resolved training configuration. */
export interface TrainingPlan {
  /** Parameter values after sanitizing: what the model reports as its actual parameters. */
  readonly params: ParamValues;
  readonly problem: Problem;
  readonly activation: Activation;
  readonly hiddenDropout: boolean;
  readonly distribution: Distribution;
  readonly distributionParams: DistributionParams;
  readonly softmaxLoss: SoftmaxLoss;
  readonly optimizer: Optimizer;
  readonly optimizerParams: OptimizerParams;
  readonly terms: readonly BoundRegularizer[];
  readonly constraints: readonly BoundRegularizer[];
  /** Dropout regularizers (input, hidden) bound to their settings. */
  readonly dropouts: readonly BoundRegularizer[];
  readonly skipZero: boolean;
  /** The response is numeric in the frame but the distribution is categorical: convert it with asfactor. */
  readonly responseAsFactor: boolean;
  /** Resolved stopping metric ("logloss", "deviance", …). */
  readonly stoppingMetric: string;
  readonly seed: number;
  readonly messages: readonly Message[];
}

/**
 * The parameter declarations with enum values refreshed from the registries, so plugin
 * activations and distributions are accepted and listed in `--help`.
 */
export function paramSpecs(plugins: PluginSet): ParamSpecs {
  const acts = plugins.activations.names().flatMap((n) => [n, `${n}WithDropout`]);
  const dists = ["AUTO", ...plugins.distributions.names()];
  const specs: Record<string, ParamSpec> = {};
  // Plugin hyper-parameters (a user optimizer's "beta1", say) become parameters too.
  for (const plugin of [...plugins.optimizers.list(), ...plugins.regularizers.list(), ...plugins.distributions.list()]) {
    for (const [name, spec] of Object.entries(plugin.params ?? {})) specs[name] = { section: "Plugins", ...spec };
  }
  return {
    ...specs,
    ...deepLearningParams,
    activation: { ...deepLearningParams.activation, values: acts },
    distribution: { ...deepLearningParams.distribution, values: dists },
    optimizer: {
      type: "enum", default: "AUTO", values: ["AUTO", ...plugins.optimizers.names()], section: "Tide",
      help: "Update rule; AUTO follows adaptive_rate, momentum and nesterov_accelerated_gradient",
    },
  };
}

/** Features H2O has that this version does not train yet: a clear error instead of a silent ignore. */
const NOT_YET: readonly [string, (p: ParamValues) => boolean][] = [
  ["autoencoder", (p) => p.autoencoder === true],
  ["nfolds", (p) => (p.nfolds as number) > 0],
  ["fold_column", (p) => p.fold_column !== null],
  ["checkpoint", (p) => p.checkpoint !== null],
  ["balance_classes", (p) => p.balance_classes === true],
  ["offset_column", (p) => p.offset_column !== null],
  ["elastic_averaging", (p) => p.elastic_averaging === true],
  ["categorical_encoding", (p) => !["AUTO", "OneHotInternal"].includes(p.categorical_encoding as string)],
  ["max_categorical_features", (p) => (p.max_categorical_features as number) < 2147483647],
  ["export_weights_and_biases", (p) => p.export_weights_and_biases === true],
  ["export_checkpoints_dir", (p) => p.export_checkpoints_dir !== null],
  ["auc_type", (p) => !["AUTO", "NONE"].includes(p.auc_type as string)],
];

/**
 * Resolves user parameters against the frames. Throws `RangeError` listing every error; warnings
 * and notes come back in `messages`.
 * @param input user values by wire name (strings or typed values); frames are passed separately
 */
export function resolvePlan(
  input: Readonly<Record<string, unknown>>,
  train: Frame,
  plugins: PluginSet,
  { hasValidation = false, cores = 1 }: { hasValidation?: boolean; cores?: number } = {},
): TrainingPlan {
  const specs = paramSpecs(plugins);
  const { params: p, messages } = parseParams(specs, input);
  const err = (field: string, message: string) => messages.push({ level: "error", field, message });
  const warn = (field: string, message: string) => messages.push({ level: "warn", field, message });

  for (const [field, on] of NOT_YET) {
    if (on(p)) err(field, `"${field}" = ${JSON.stringify(p[field])} is not supported by this version of Tide yet; remove it to train`);
  }
  if (p.col_major === true) err("col_major", `"col_major" is deprecated and must be false`);

  // Activation: H2O's …WithDropout names are the base activation plus hidden dropout.
  const actName = p.activation as string;
  const hiddenDropout = actName.endsWith("WithDropout");
  const activation = plugins.activations.get(hiddenDropout ? actName.slice(0, -"WithDropout".length) : actName);
  const hidden = p.hidden as number[];
  if (hiddenDropout) {
    if (p.hidden_dropout_ratios === null) p.hidden_dropout_ratios = hidden.map(() => 0.5);
  } else if (p.hidden_dropout_ratios !== null && (p.hidden_dropout_ratios as number[]).some((r) => r > 0)) {
    err("hidden_dropout_ratios", `"hidden_dropout_ratios" needs a …WithDropout activation: use "${actName}WithDropout"`);
  }
  if (Array.isArray(p.hidden_dropout_ratios) && (p.hidden_dropout_ratios as number[]).length !== hidden.length) {
    err("hidden_dropout_ratios", `"hidden_dropout_ratios" must have one value per hidden layer (${hidden.length}): got ${(p.hidden_dropout_ratios as number[]).length}`);
  }

  // Problem type and distribution (spec §1.1, §4.4, §4.5).
  const yName = p.response_column as string | null;
  if (!yName) err("response_column", `"response_column" is required: name the column to predict (y)`);
  let yCol = yName && train.has(yName) ? train.col(yName) : null;
  if (yName && !yCol) err("response_column", `No column "${yName}" in the training frame: columns are ${train.names.slice(0, 10).join(", ")}${train.ncol > 10 ? ", …" : ""}`);
  let distName = p.distribution as string;
  const lossName = p.loss as string;
  const classificationDists = plugins.distributions.list().filter((d) => d.family === "classification").map((d) => d.name);
  const isClassification = distName === "AUTO" ? yCol?.type === "categorical" || lossName === "CrossEntropy" : classificationDists.includes(distName);
  const problem: Problem = isClassification ? "classification" : "regression";
  // --distribution bernoulli|multinomial treats a numeric response as categorical, as asfactor() would.
  const responseAsFactor = isClassification && yCol?.type === "numeric";
  if (responseAsFactor) yCol = train.asfactor(yName!).col(yName!);
  if (distName === "AUTO") {
    if (problem === "classification") {
      const levels = yCol?.type === "categorical" ? yCol.domain.length : 0;
      distName = levels === 2 ? "bernoulli" : "multinomial";
    } else {
      distName = { Absolute: "laplace", Quantile: "quantile", Huber: "huber" }[lossName] ?? "gaussian";
    }
  }
  const distribution = plugins.distributions.get(distName);
  let softmaxLoss: SoftmaxLoss = "CrossEntropy";
  if (problem === "classification") {
    if (lossName === "Quadratic") softmaxLoss = "Quadratic";
    else if (!["Automatic", "CrossEntropy"].includes(lossName)) err("loss", `loss "${lossName}" is for regression; classification takes Automatic, CrossEntropy or Quadratic`);
    if (yCol?.type === "categorical" && distName === "bernoulli" && yCol.domain.length !== 2) {
      err("distribution", `bernoulli needs exactly 2 classes; "${yName}" has ${yCol.domain.length}: use multinomial`);
    }
    if (yCol?.type === "string") err("response_column", `Response "${yName}" holds free text: convert it with asfactor`);
  } else {
    if (lossName === "CrossEntropy") err("loss", `CrossEntropy needs a categorical response: convert "${yName}" with asfactor or choose another loss`);
    const allowed: Record<string, string[]> = { laplace: ["Absolute"], quantile: ["Quantile"], huber: ["Huber"], poisson: [], gamma: [], tweedie: [] };
    const ok = allowed[distName];
    if (ok && lossName !== "Automatic" && !ok.includes(lossName)) err("loss", `loss "${lossName}" does not fit distribution ${distName}: use Automatic`);
    if (yCol?.type === "categorical") err("distribution", `distribution ${distName} is for a numeric response but "${yName}" is categorical: use bernoulli or multinomial, or convert it with asnumeric`);
    if (distribution.checkResponse && yCol?.type === "numeric") {
      for (let i = 0; i < yCol.data.length; i++) {
        const bad = Number.isNaN(yCol.data[i]) ? undefined : distribution.checkResponse(yCol.data[i]);
        if (bad) {
          err("response_column", `${bad}: row ${i + 1} of "${yName}" is ${yCol.data[i]}`);
          break;
        }
      }
    }
  }
  const distributionParams: Record<string, number> = {};
  for (const name of Object.keys(distribution.params ?? {})) distributionParams[name] = p[name] as number;
  if (distName === "huber") distributionParams.huber_delta = 1; // replaced from the residuals before training

  // Optimizer (spec §5.3, §5.4).
  const momentumOn = (p.momentum_start as number) > 0 || (p.momentum_stable as number) > 0;
  const optName = p.optimizer !== "AUTO" ? (p.optimizer as string)
    : p.adaptive_rate ? "adadelta" : !momentumOn ? "sgd" : p.nesterov_accelerated_gradient ? "nesterov" : "momentum";
  const optimizer = plugins.optimizers.get(optName);
  const optimizerParams: OptimizerParams = {};
  for (const name of Object.keys(optimizer.params)) {
    const v = p[name] ?? optimizer.params[name].default;
    optimizerParams[name] = v as number;
  }
  const manual = ["rate", "rate_annealing", "rate_decay", "momentum_start", "momentum_ramp", "momentum_stable"].filter((k) => input[k] !== undefined);
  if (optName === "adadelta" && manual.length) {
    warn("adaptive_rate", `${manual.join(", ")} ${manual.length > 1 ? "are" : "is"} ignored while adaptive_rate is true (ADADELTA): set adaptive_rate false to use ${manual.length > 1 ? "them" : "it"}`);
  }

  // Regularizers: gradient terms, constraints, dropout.
  const bind = (name: string): BoundRegularizer => {
    const r = plugins.regularizers.get(name);
    const params = Object.fromEntries(Object.keys(r.params).map((k) => [k, p[k]]));
    return { regularizer: r, params };
  };
  const all = plugins.regularizers.list().map((r) => bind(r.name)).filter((b) => b.regularizer.active(b.params));
  const terms = all.filter((b) => b.regularizer.gradient);
  const constraints = all.filter((b) => b.regularizer.constrain);
  const dropouts = all.filter((b) => b.regularizer.dropRatio);
  const shortcut = p.fast_mode === true || (optName === "sgd" && terms.length === 0);

  // Training length, threads, reproducibility (spec §6.2, §6.5, §16.8).
  if (p.reproducible === true) {
    p.score_each_iteration = true;
    if (p.train_samples_per_iteration === -2) p.train_samples_per_iteration = -1;
    if (p.nthreads !== 1 && input.nthreads !== undefined && input.nthreads !== 1 && input.nthreads !== "1") {
      warn("nthreads", `reproducible training runs on 1 thread; "nthreads" = ${p.nthreads} is ignored`);
    }
    p.nthreads = 1;
  } else if (p.nthreads === -1 || p.nthreads === 0) {
    p.nthreads = Math.max(1, cores);
  } else if ((p.nthreads as number) > Math.max(1, cores)) {
    // More threads than cores only adds Workers that contend for the same cores.
    warn("nthreads", `"nthreads" = ${p.nthreads} is more than the ${Math.max(1, cores)} core(s) here: training uses ${Math.max(1, cores)}`);
    p.nthreads = Math.max(1, cores);
  }
  if ((p.mini_batch_size as number) > 1 && optName !== "adadelta" && p.rate === 0.005 && input.rate === undefined) {
    messages.push({ level: "info", field: "mini_batch_size", message: `mini_batch_size ${p.mini_batch_size} averages gradients over the batch; a larger "rate" may be needed` });
  }
  const seed = (p.seed as number) === -1 ? Math.floor(Math.random() * 2 ** 52) : (p.seed as number);
  if (!Number.isSafeInteger(seed)) err("seed", `"seed" must be an integer between −2^53 and 2^53: got ${p.seed}`);
  p.seed = seed;
  if (p.score_validation_samples !== 0 && !hasValidation) {
    warn("score_validation_samples", `"score_validation_samples" has no effect without a validation_frame`);
  }

  // Stopping metric (spec §8.1).
  let stoppingMetric = p.stopping_metric as string;
  if (stoppingMetric === "AUTO") stoppingMetric = problem === "classification" ? "logloss" : "deviance";
  const classificationOnly = ["logloss", "AUC", "AUCPR", "lift_top_group", "misclassification", "mean_per_class_error"];
  if (problem === "regression" && classificationOnly.includes(stoppingMetric)) err("stopping_metric", `stopping_metric ${stoppingMetric} needs a classification model: use deviance, MSE, RMSE, MAE or RMSLE`);
  if (problem === "classification" && ["deviance", "RMSLE", "MAE"].includes(stoppingMetric)) err("stopping_metric", `stopping_metric ${stoppingMetric} is for regression: use logloss, misclassification, AUC, …`);
  if (["AUC", "AUCPR", "lift_top_group"].includes(stoppingMetric) && distName !== "bernoulli") err("stopping_metric", `stopping_metric ${stoppingMetric} needs two classes`);
  if (stoppingMetric.startsWith("custom")) err("stopping_metric", `custom stopping metrics are not supported yet: choose another metric`);

  if (p.score_duty_cycle as number > 1 || (p.score_duty_cycle as number) < 0) err("score_duty_cycle", `"score_duty_cycle" must be in [0, 1]`);
  if ((p.sparsity_beta as number) > 0) err("sparsity_beta", `"sparsity_beta" applies to autoencoders only`);

  const errors = messages.filter((m) => m.level === "error");
  if (errors.length) {
    throw Object.assign(new RangeError(`Cannot train: ${errors.map((m) => m.message).join("; ")}`), { problems: errors.map((m) => m.message) });
  }
  return {
    params: p, problem, activation, hiddenDropout, distribution, distributionParams, softmaxLoss, optimizer,
    optimizerParams, terms, constraints, dropouts, skipZero: shortcut, responseAsFactor, stoppingMetric, seed, messages,
  };
}
