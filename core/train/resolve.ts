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
import { ParameterError, parseParams, SECTIONS } from "../params.ts";
import type { Regularizer } from "../regularizer.ts";
import type { Registry } from "../registry.ts";
import type { Frame } from "../../frame/frame.ts";
import { checkDataParams } from "./data_params.ts";
import { checkInitialLengths, type InitialState, takeInitialState } from "./initial_state.ts";
import { deepLearningParams } from "./parameters.ts";
import type { Problem } from "./head.ts";

/** The plugin registries a plan draws from (plugins/mod.ts holds the built-in ones). */
export interface PluginSet {
  readonly activations: Registry<Activation>;
  readonly distributions: Registry<Distribution>;
  readonly optimizers: Registry<Optimizer>;
  readonly regularizers: Registry<Regularizer>;
}

export type { Problem } from "./head.ts";

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
  /** initial_weights and initial_biases, as frames (applied by initial_state.ts's hook). */
  readonly initialState: InitialState | null;
  readonly seed: number;
  readonly messages: readonly Message[];
}

/** Plugins whose hyper-parameters become training parameters, in registration order. */
function pluginsWithParams(plugins: PluginSet): { readonly name: string; readonly params?: ParamSpecs }[] {
  return [...plugins.optimizers.list(), ...plugins.regularizers.list(), ...plugins.distributions.list()];
}

/**
 * The key each plugin's parameter is set under: its own name (H2O's spelling for the built-ins),
 * unless Tide or an earlier plugin already declares that name differently; then
 * "<plugin>.<name>", so Adam's "adam.epsilon" does not collide with ADADELTA's "epsilon".
 * Plugins that share one declaration (sgd and momentum's "rate") share its key.
 */
export function pluginParamKeys(plugins: PluginSet): Map<object, Readonly<Record<string, string>>> {
  const taken = new Map<string, ParamSpec | null>([...Object.keys(deepLearningParams), "optimizer"].map((n) => [n, null]));
  const out = new Map<object, Record<string, string>>();
  for (const plugin of pluginsWithParams(plugins)) {
    const keys: Record<string, string> = {};
    for (const [name, spec] of Object.entries(plugin.params ?? {})) {
      const seen = taken.get(name);
      const shared = seen !== undefined && seen !== null && (seen === spec || JSON.stringify(seen) === JSON.stringify(spec));
      keys[name] = seen === undefined || shared ? name : `${plugin.name}.${name}`;
      if (seen === undefined) taken.set(name, spec);
    }
    out.set(plugin, keys);
  }
  return out;
}

/**
 * Every parameter, declared once: the engine's own (parameters.ts) with the `activation` and
 * `distribution` values taken from the registries, and each plugin's parameters as the plugin
 * declares them. Listed by section, the engine's parameters first within each.
 * Throws `TypeError` when a plugin redeclares an engine parameter, or two plugins declare one
 * name differently.
 */
export function paramSpecs(plugins: PluginSet): ParamSpecs {
  const engine: Record<string, ParamSpec> = {
    ...deepLearningParams,
    activation: { ...deepLearningParams.activation, values: plugins.activations.names().flatMap((n) => [n, `${n}WithDropout`]) },
    distribution: { ...deepLearningParams.distribution, values: ["AUTO", ...plugins.distributions.names()] },
    optimizer: {
      level: "expert", type: "enum", default: "AUTO", values: ["AUTO", ...plugins.optimizers.names()], section: SECTIONS.tide,
      help: "Update rule; AUTO follows adaptive_rate, momentum and nesterov_accelerated_gradient",
    },
  };
  const own: Record<string, ParamSpec> = {};
  const keys = pluginParamKeys(plugins);
  for (const plugin of pluginsWithParams(plugins)) {
    for (const [name, spec] of Object.entries(plugin.params ?? {})) {
      const key = keys.get(plugin)![name];
      own[key] ??= key === name ? spec : { ...spec, help: `${spec.help} (${plugin.name}'s; "${name}" names another parameter)` };
    }
  }
  const all: [string, ParamSpec][] = [
    ...Object.entries(engine),
    ...Object.entries(own).map(([name, spec]): [string, ParamSpec] => [name, { section: SECTIONS.plugins, level: "expert", ...spec }]),
  ];
  const order: string[] = Object.values(SECTIONS);
  const rank = (spec: ParamSpec) => {
    const k = order.indexOf(spec.section ?? SECTIONS.plugins);
    return k < 0 ? order.length : k;
  };
  return Object.fromEntries(all.map((e, i) => [e, i] as const).sort(([a, i], [b, j]) => rank(a[1]) - rank(b[1]) || i - j).map(([e]) => e));
}

/** Features H2O has that this version does not train yet: a clear error instead of a silent ignore. */
const NOT_YET: readonly [string, (p: ParamValues) => boolean][] = [
  ["elastic_averaging", (p) => p.elastic_averaging === true],
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
  const taken = takeInitialState(input); // frames cannot go through parseParams
  input = taken.input;
  const { params: p, messages } = parseParams(specs, input);
  messages.push(...taken.messages);
  const initialState = taken.state;
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
  const autoencoder = p.autoencoder === true;
  const yName = p.response_column as string | null;
  if (autoencoder && yName) err("response_column", `an autoencoder has no response: remove "response_column" (y) = "${yName}"; every usable column is an input and a target (list columns to leave out in ignored_columns)`);
  else if (!yName && !autoencoder) err("response_column", `"response_column" is required: name the column to predict (y), or set autoencoder = true to train without one`);
  let yCol = yName && !autoencoder && train.has(yName) ? train.col(yName) : null;
  if (yName && !autoencoder && !yCol) err("response_column", `No column "${yName}" in the training frame: columns are ${train.names.slice(0, 10).join(", ")}${train.ncol > 10 ? ", …" : ""}`);
  let distName = p.distribution as string;
  const lossName = p.loss as string;
  // Classification needs a categorical response or a classification distribution; CrossEntropy
  // alone on a numeric response is an error below, not a hidden asfactor.
  const chosen = distName === "AUTO" ? null : plugins.distributions.get(distName);
  const isClassification = !autoencoder && (chosen ? chosen.family === "classification" : yCol?.type === "categorical");
  const problem: Problem = autoencoder ? "autoencoder" : isClassification ? "classification" : "regression";
  // --distribution bernoulli|multinomial treats a numeric response as categorical, as asfactor() would.
  const responseAsFactor = isClassification && yCol?.type === "numeric";
  if (responseAsFactor) {
    const bad = classLabelProblem(yCol as { data: { length: number; at(i: number): number } }, yName!, distName);
    if (bad) err("response_column", bad);
    else yCol = train.asfactor(yName!).col(yName!);
  }
  const classes = problem === "classification" && yCol?.type === "categorical" ? yCol.domain.length : 0;
  // An autoencoder's loss resolves as regression's (spec §4.8): on each reconstructed input.
  const family = plugins.distributions.list().filter((d) => d.family === (autoencoder ? "regression" : problem));
  let distribution = chosen ?? family.find((d) => d.auto?.({ classes, loss: lossName }));
  if (!distribution) {
    if (problem === "regression" && lossName !== "CrossEntropy") err("loss", `distribution AUTO has no ${problem} distribution for loss "${lossName}": set "distribution"`);
    distribution = family[0] ?? plugins.distributions.list()[0];
  }
  distName = distribution.name;
  let softmaxLoss: SoftmaxLoss = "CrossEntropy";
  if (problem === "classification") {
    if (lossName === "Quadratic") softmaxLoss = "Quadratic";
    else if (!["Automatic", "CrossEntropy"].includes(lossName)) err("loss", `loss "${lossName}" is for regression; classification takes Automatic, CrossEntropy or Quadratic`);
    if (yCol?.type === "categorical" && distribution.classes !== undefined && yCol.domain.length !== distribution.classes) {
      const other = family.find((d) => d.classes === undefined);
      err("distribution", `${distName} needs exactly ${distribution.classes} classes; "${yName}" has ${yCol.domain.length}${other ? `: use ${other.name}` : ""}`);
    }
    if (yCol?.type === "string") err("response_column", `Response "${yName}" holds free text: convert it with asfactor`);
  } else if (autoencoder) {
    checkAutoencoder(p, input, { distribution, lossName, activation, hiddenDropout, chosen: !!chosen }, err);
    // True backpropagation through a Rectifier output (not H2O's quirk Q21): a unit below 0 on every row never learns.
    if (activation.name === "Rectifier") warn("activation", `an autoencoder's output units use the hidden activation: Rectifier outputs cannot be negative, and one that is 0 on every row gets no gradient and stays 0; Tanh usually reconstructs better`);
  } else {
    if (lossName === "CrossEntropy") err("loss", `CrossEntropy needs a categorical response: convert "${yName}" with asfactor or choose another loss`);
    const ok = distribution.losses;
    if (ok && lossName !== "Automatic" && lossName !== "CrossEntropy" && !ok.includes(lossName)) err("loss", `loss "${lossName}" does not fit distribution ${distName}: use Automatic${ok.length ? ` or ${ok.join(", ")}` : ""}`);
    if (yCol?.type === "categorical") err("distribution", `distribution ${distName} is for a numeric response but "${yName}" is categorical: use ${plugins.distributions.list().filter((d) => d.family === "classification").map((d) => d.name).join(" or ")}, or convert it with asnumeric`);
    if (distribution.checkResponse && yCol?.type === "numeric") {
      for (let i = 0; i < yCol.data.length; i++) {
        const bad = Number.isNaN(yCol.data.at(i)) ? undefined : distribution.checkResponse(yCol.data.at(i));
        if (bad) {
          err("response_column", `${bad}: row ${i + 1} of "${yName}" is ${yCol.data.at(i)}`);
          break;
        }
      }
    }
  }
  checkDataParams(p, { specs, input, train, problem, classes, err });
  if (initialState) {
    checkInitialLengths(initialState, (p.hidden as number[]).length + 1, err);
    if (p.checkpoint !== null) err("initial_weights", `"initial_weights" and "initial_biases" cannot be combined with "checkpoint": the checkpoint's weights are the start`);
  }

  const keys = pluginParamKeys(plugins);
  const keyOf = (plugin: object, name: string) => keys.get(plugin)?.[name] ?? name;
  const distributionParams: Record<string, number> = {};
  for (const name of Object.keys(distribution.params ?? {})) distributionParams[name] = p[keyOf(distribution, name)] as number;
  Object.assign(distributionParams, distribution.derivedParams); // refitted from the residuals before training

  // Optimizer (spec §5.3, §5.4).
  const auto = p.optimizer === "AUTO";
  let optimizer = auto ? plugins.optimizers.list().find((o) => o.auto?.(p)) : plugins.optimizers.get(p.optimizer as string);
  if (!optimizer) {
    err("optimizer", `no registered optimizer is chosen by adaptive_rate = ${p.adaptive_rate} and the momentum settings: set "optimizer"`);
    optimizer = plugins.optimizers.list()[0];
  }
  const optName = optimizer.name;
  const optimizerParams: OptimizerParams = {};
  for (const name of Object.keys(optimizer.params)) {
    const v = p[keyOf(optimizer, name)] ?? optimizer.params[name].default;
    optimizerParams[name] = v as number;
  }
  // Another optimizer's parameters, set by the user, do nothing under this one: say so.
  const keysOf = (plugin: object) => Object.values(keys.get(plugin) ?? {});
  const others = new Set(plugins.optimizers.list().flatMap(keysOf));
  const mine = new Set(keysOf(optimizer));
  const unused = Object.keys(specs).filter((k) => others.has(k) && !mine.has(k) && input[k] !== undefined);
  if (unused.length) {
    const they = unused.length > 1;
    const why = auto ? `adaptive_rate is ${p.adaptive_rate} (optimizer ${optName})` : `optimizer is ${optName}`;
    warn(auto ? "adaptive_rate" : "optimizer", `${unused.map((k) => `"${k}"`).join(", ")} ${they ? "are" : "is"} ignored while ${why}: ${auto && p.adaptive_rate ? "set adaptive_rate false" : "choose an optimizer that reads them"} to use ${they ? "them" : "it"}`);
  }

  // Another distribution's parameters do nothing under this one: say so.
  const distParams = new Set(plugins.distributions.list().flatMap(keysOf));
  const ours = new Set(keysOf(distribution));
  for (const k of Object.keys(specs)) {
    if (distParams.has(k) && !ours.has(k) && input[k] !== undefined) {
      const owners = plugins.distributions.list().filter((d) => keysOf(d).includes(k)).map((d) => d.name);
      warn(k, `"${k}" is ignored: it applies to distribution ${owners.join(" or ")}, and this model is ${distName}`);
    }
  }
  if (auto && p.adaptive_rate === true && input.nesterov_accelerated_gradient !== undefined) {
    warn("nesterov_accelerated_gradient", `"nesterov_accelerated_gradient" is ignored while adaptive_rate is true (optimizer ${optName}): set adaptive_rate false to use momentum`);
  }

  // Regularizers: gradient terms, constraints, dropout.
  const bind = (name: string): BoundRegularizer => {
    const r = plugins.regularizers.get(name);
    const params = Object.fromEntries(Object.keys(r.params).map((k) => [k, p[keyOf(r, k)]]));
    return { regularizer: r, params };
  };
  const all = plugins.regularizers.list().map((r) => bind(r.name)).filter((b) => b.regularizer.active(b.params));
  const terms = all.filter((b) => b.regularizer.gradient);
  const constraints = all.filter((b) => b.regularizer.constrain);
  const dropouts = all.filter((b) => b.regularizer.dropRatio);
  const shortcut = p.fast_mode === true || (optimizer.idleOnZeroGradient === true && terms.length === 0);

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
  noEffectWarnings(p, input, problem, warn);
  if (p.score_validation_samples !== 0 && !hasValidation) {
    warn("score_validation_samples", `"score_validation_samples" has no effect without a validation_frame`);
  }
  // Metric parameters that do nothing for this kind of model: said, not silently dropped.
  if (p.gainslift_bins !== -1 && classes !== 2) warn("gainslift_bins", `"gainslift_bins" shapes the binomial gains/lift table only; this model is ${distName}`);
  if (!["AUTO", "NONE"].includes(p.auc_type as string) && classes <= 2) warn("auc_type", `"auc_type" chooses the multinomial AUC only; this model is ${distName}`);
  if (!["AUTO", "NONE"].includes(p.auc_type as string) && classes > 50) warn("auc_type", `"auc_type": no multinomial AUC is computed above 50 classes (this response has ${classes}), as in H2O`);
  if (p.max_hit_ratio_k !== 10 && classes <= 2) warn("max_hit_ratio_k", `"max_hit_ratio_k" sets the multinomial hit-ratio table only; this model is ${distName}`);

  // Stopping metric (spec §8.1).
  let stoppingMetric = p.stopping_metric as string;
  if (stoppingMetric === "AUTO") stoppingMetric = problem === "classification" ? "logloss" : autoencoder ? "MSE" : "deviance";
  if (autoencoder && !["MSE", "RMSE"].includes(stoppingMetric)) err("stopping_metric", `stopping_metric ${stoppingMetric} has no value for an autoencoder: use AUTO (the reconstruction MSE), MSE or RMSE`);
  const classificationOnly = ["logloss", "AUC", "AUCPR", "lift_top_group", "misclassification", "mean_per_class_error"];
  if (problem !== "classification" && classificationOnly.includes(stoppingMetric)) err("stopping_metric", `stopping_metric ${stoppingMetric} needs a classification model: use deviance, MSE, RMSE, MAE or RMSLE`);
  if (problem === "classification" && ["deviance", "RMSLE", "MAE"].includes(stoppingMetric)) err("stopping_metric", `stopping_metric ${stoppingMetric} is for regression: use logloss, misclassification, AUC, …`);
  if (stoppingMetric === "lift_top_group" && classes !== 2) err("stopping_metric", `stopping_metric lift_top_group needs two classes`);
  // A multinomial AUC exists only when auc_type names one (spec 9.3).
  const multinomialAuc = classes > 2 && !["AUTO", "NONE"].includes(p.auc_type as string);
  if (["AUC", "AUCPR"].includes(stoppingMetric) && classes !== 2 && !multinomialAuc) {
    err("stopping_metric", `stopping_metric ${stoppingMetric} needs two classes, or a multinomial model with auc_type MACRO_OVR, WEIGHTED_OVR, MACRO_OVO or WEIGHTED_OVO`);
  }
  if (stoppingMetric.startsWith("custom")) err("stopping_metric", `custom stopping metrics are not supported yet: choose another metric`);

  if (p.score_duty_cycle as number > 1 || (p.score_duty_cycle as number) < 0) err("score_duty_cycle", `"score_duty_cycle" must be in [0, 1]`);
  if ((p.sparsity_beta as number) > 0 && !autoencoder) err("sparsity_beta", `"sparsity_beta" applies to autoencoders only: set autoencoder = true or remove it`);

  if (messages.some((m) => m.level === "error")) throw new ParameterError("Cannot train", messages);
  return {
    params: p, problem, activation, hiddenDropout, distribution, distributionParams, softmaxLoss, optimizer,
    optimizerParams, terms, constraints, dropouts, skipZero: shortcut, responseAsFactor, stoppingMetric, seed, messages, initialState,
  };
}

/** Parameters that only mean something with a response: refused for an autoencoder rather than ignored. */
const RESPONSE_ONLY = ["offset_column", "classification_stop", "regression_stop", "quantile_alpha", "tweedie_power", "huber_alpha"] as const;

/**
 * An autoencoder's own rules (spec §14.1, §5.6): a loss on each reconstructed input (Quadratic by
 * default; Absolute, Huber or Quantile), no Maxout, no response-only parameter, and the sparsity
 * target inside the activation's range.
 */
function checkAutoencoder(
  p: ParamValues,
  input: Readonly<Record<string, unknown>>,
  c: { distribution: Distribution; lossName: string; activation: Activation; hiddenDropout: boolean; chosen: boolean },
  err: (field: string, message: string) => void,
): void {
  if (c.lossName === "CrossEntropy") err("loss", `an autoencoder reconstructs its inputs: loss CrossEntropy needs classes; use Automatic (Quadratic), Quadratic, Absolute or Huber`);
  if (c.chosen && c.distribution.family !== "regression") err("distribution", `an autoencoder reconstructs numbers: distribution ${c.distribution.name} is for classes; use AUTO and choose the loss (Quadratic, Absolute, Huber)`);
  else if (c.distribution.link !== "identity") err("distribution", `an autoencoder's loss is on the reconstructed inputs themselves: distribution ${c.distribution.name} has a ${c.distribution.link} link; use AUTO and choose the loss (Quadratic, Absolute, Huber)`);
  if ((c.activation.channels ?? 1) > 1) err("activation", `an autoencoder's output layer uses the hidden activation, and ${c.activation.name}${c.hiddenDropout ? "WithDropout" : ""} has ${c.activation.channels} channels: use Tanh or Rectifier`);
  const keep = new Set(["huber_alpha", "quantile_alpha"].filter((k) => k in (c.distribution.params ?? {})));
  for (const name of RESPONSE_ONLY) {
    if (input[name] === undefined || keep.has(name)) continue;
    err(name, `"${name}" needs a response and an autoencoder has none: remove it`);
  }
  if (p.categorical_encoding === "SortByResponse") err("categorical_encoding", `categorical_encoding SortByResponse orders levels by the response, and an autoencoder has none: use AUTO (one-hot)`);
  const beta = p.sparsity_beta as number, rho = p.average_activation as number;
  if (beta > 0) {
    if (c.activation.name === "Tanh" && !(rho > -1 && rho < 1)) err("average_activation", `"average_activation" must be in (−1, 1) for Tanh: got ${rho}`);
    else if (c.activation.name === "Rectifier" && !(rho > 0)) err("average_activation", `"average_activation" must be above 0 for Rectifier: got ${rho}`);
  } else if (input.average_activation !== undefined && rho !== 0) {
    err("average_activation", `"average_activation" is the target of the sparsity penalty: set "sparsity_beta" > 0 to use it, or remove it`);
  }
}

/** H2O's limit on the classes of a categorical response (its tree models' MAX_SUPPORTED_LEVELS). */
export const MAX_RESPONSE_CLASSES = 1000;

/**
 * Why a numeric response cannot become classes (as asfactor would make it) under a classification
 * distribution: a value that is not an integer, or more than {@linkcode MAX_RESPONSE_CLASSES}
 * distinct values. A continuous response would otherwise silently become hundreds of classes.
 */
function classLabelProblem(c: { data: { length: number; at(i: number): number } }, y: string, dist: string): string | undefined {
  const seen = new Set<number>();
  for (let i = 0; i < c.data.length; i++) {
    const v = c.data.at(i);
    if (Number.isNaN(v)) continue;
    if (!Number.isInteger(v)) {
      return `distribution ${dist} makes each value of the numeric response "${y}" a class, but row ${i + 1} holds ${v}, which is not a class label: for a continuous response use a regression distribution (gaussian, laplace, …), or convert "${y}" with asfactor first if its values really are classes`;
    }
    if (seen.size <= MAX_RESPONSE_CLASSES) seen.add(v);
  }
  if (seen.size > MAX_RESPONSE_CLASSES) {
    return `the response "${y}" has more than ${MAX_RESPONSE_CLASSES} distinct values, H2O's limit of classes for a categorical response: for a continuous response use a regression distribution (gaussian, laplace, …)`;
  }
  return undefined;
}

/**
 * Parameters H2O accepts that do nothing in this run, each said once when the user set it: the
 * cluster-only ones (one process is a one-node cluster), the deprecated ones, and those whose
 * enabling parameter is off. None is silently ignored.
 */
function noEffectWarnings(p: ParamValues, input: Readonly<Record<string, unknown>>, problem: Problem, warn: (field: string, message: string) => void): void {
  const set = (k: string) => input[k] !== undefined;
  for (const k of ["target_ratio_comm_to_comp", "force_load_balance", "replicate_training_data", "single_node_mode"]) {
    if (set(k)) warn(k, `"${k}" has no effect in one process: H2O uses it between the nodes of a cluster`);
  }
  if (set("shuffle_training_data")) warn("shuffle_training_data", `"shuffle_training_data" has no effect: Tide shuffles the training rows at every pass`);
  for (const k of ["diagnostics", "max_confusion_matrix_size"]) {
    if (set(k)) warn(k, `"${k}" is deprecated in H2O and has no effect: remove it`);
  }
  for (const k of ["elastic_averaging_moving_rate", "elastic_averaging_regularization"]) {
    if (set(k) && p.elastic_averaging !== true) warn(k, `"${k}" applies only with elastic_averaging = true`);
  }
  if (set("initial_weight_scale") && p.initial_weight_distribution === "UniformAdaptive") {
    warn("initial_weight_scale", `"initial_weight_scale" is ignored by initial_weight_distribution UniformAdaptive: use Uniform or Normal`);
  }
  if (set("average_activation") && p.autoencoder !== true) warn("average_activation", `"average_activation" applies to autoencoders only`);
  if (set("score_validation_sampling") && p.score_validation_sampling === "Stratified" && p.balance_classes !== true) {
    warn("score_validation_sampling", `"score_validation_sampling" Stratified samples by class only with balance_classes = true`);
  }
  if (set("classification_stop") && problem === "regression") warn("classification_stop", `"classification_stop" applies to classification; use regression_stop`);
  if (set("regression_stop") && problem === "classification") warn("regression_stop", `"regression_stop" applies to regression; use classification_stop`);
  for (const k of ["stopping_metric", "stopping_tolerance"]) {
    if (set(k) && p.stopping_rounds === 0) warn(k, `"${k}" has no effect while stopping_rounds is 0 (early stopping off)`);
  }
  if (set("parallel_mode") && p.nthreads === 1) warn("parallel_mode", `"parallel_mode" has no effect on one thread${p.reproducible ? " (reproducible)" : ""}: it chooses how 2 or more threads share the model`);
  for (const k of ["score_interval", "score_duty_cycle"]) {
    if (set(k) && p.score_each_iteration === true) warn(k, `"${k}" has no effect: every iteration is scored (score_each_iteration${p.reproducible ? ", forced by reproducible" : ""})`);
  }
}
