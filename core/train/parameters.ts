/**
 * Every Deep Learning parameter, by its H2O wire name, with H2O's default, allowed values and a
 * help line (spec §16). CLI flags, `--help`, REST schemas and the model's "actual parameters"
 * all come from this one table.
 * @module
 */
import type { ParamSpecs } from "../params.ts";

const FLOAT_MAX = 3.4028234663852886e38; // H2O's default max_w2: Float.MAX_VALUE, i.e. off

const data = "Data and roles";
const arch = "Architecture and initialisation";
const length = "Training length and parallelism";
const opt = "Optimisation and regularisation";
const loss = "Loss and distribution";
const scoring = "Scoring, stopping and outputs";
const cv = "Cross-validation and checkpointing";
const tide = "Tide";

/** H2O's activation names; the …WithDropout forms add hidden dropout to the base activation. */
export const ACTIVATIONS = [
  "Tanh", "TanhWithDropout", "Rectifier", "RectifierWithDropout", "Maxout", "MaxoutWithDropout",
] as const;

/** The Deep Learning parameter declarations. */
export const deepLearningParams: ParamSpecs = {
  // ── Data and roles ──
  model_id: { type: "string", default: null, section: data, help: "Destination name of the model (generated when omitted)" },
  training_frame: { type: "string", default: null, section: data, help: "Training data: a CSV or .csv.gz path (or a Frame from the API)" },
  validation_frame: { type: "string", default: null, section: data, gridable: true, help: "Data scored during training; drives early stopping and best-model selection" },
  response_column: { type: "string", default: null, section: data, gridable: true, aliases: ["y"], help: "Column to predict; categorical means classification (not for autoencoders)" },
  ignored_columns: { type: "string[]", default: null, section: data, help: "Columns that are not predictors" },
  ignore_const_cols: { type: "bool", default: true, section: data, help: "Drop constant, all-missing and string columns" },
  weights_column: { type: "string", default: null, section: data, gridable: true, help: "Observation weights column (≥ 0); scales each row's loss" },
  offset_column: { type: "string", default: null, section: data, gridable: true, help: "Per-row offset added in link space (regression only)" },
  fold_column: { type: "string", default: null, section: data, gridable: true, help: "Explicit cross-validation fold per row" },
  categorical_encoding: {
    type: "enum", default: "AUTO", section: data, gridable: true,
    values: ["AUTO", "OneHotInternal", "Binary", "Eigen", "LabelEncoder", "SortByResponse", "EnumLimited"],
    help: "How categoricals enter the network (AUTO = OneHotInternal)",
  },
  use_all_factor_levels: { type: "bool", default: true, section: data, gridable: true, help: "One input per level (true) or drop the first level (false)" },
  standardize: { type: "bool", default: true, section: data, gridable: true, help: "Standardize numeric inputs and identity-link responses" },
  missing_values_handling: { type: "enum", default: "MeanImputation", values: ["MeanImputation", "Skip"], section: data, gridable: true, help: "Missing predictors: impute the training mean, or skip the row in training" },
  max_categorical_features: { type: "int", default: 2147483647, min: 1, section: data, gridable: true, help: "Hash one-hot inputs into this many buckets when it is smaller than their count" },
  sparse: { type: "bool", default: false, section: data, gridable: true, help: "Keep zeros zero: scale numerics without centering" },
  balance_classes: { type: "bool", default: false, section: data, gridable: true, help: "Over/under-sample classes to balance them (classification)" },
  class_sampling_factors: { type: "float[]", default: null, min: 0, section: data, gridable: true, help: "Per-class sampling ratios, in domain order (needs balance_classes)" },
  max_after_balance_size: { type: "float", default: 5.0, min: 0, minExclusive: true, section: data, help: "Largest balanced size, relative to the training rows" },

  // ── Architecture and initialisation ──
  activation: { type: "enum", default: "Rectifier", values: ACTIVATIONS, section: arch, gridable: true, help: "Hidden-layer activation; …WithDropout adds hidden dropout" },
  hidden: { type: "int[]", default: [200, 200], min: 1, section: arch, gridable: true, help: "Hidden layer sizes, e.g. 32,32,32 (empty for none)" },
  initial_weight_distribution: { type: "enum", default: "UniformAdaptive", values: ["UniformAdaptive", "Uniform", "Normal"], section: arch, gridable: true, help: "Initial weight distribution" },
  initial_weight_scale: { type: "float", default: 1.0, min: 0, minExclusive: true, section: arch, gridable: true, help: "Half-width (Uniform) or standard deviation (Normal) of initial weights" },
  autoencoder: { type: "bool", default: false, section: arch, help: "Train an autoencoder (no response)" },

  // ── Training length and parallelism ──
  epochs: { type: "float", default: 10, min: 0, section: length, gridable: true, help: "Passes over the training data (fractional allowed; a total across checkpoints)" },
  train_samples_per_iteration: { type: "int", default: -2, min: -2, section: length, gridable: true, help: "Samples between scoring opportunities: -2 auto, -1 or 0 one epoch, or a count" },
  target_ratio_comm_to_comp: { type: "float", default: 0.05, min: 0, minExclusive: true, section: length, gridable: true, help: "Target communication/computation ratio for auto-tuning (multi-node)" },
  seed: { type: "int", default: -1, section: length, gridable: true, help: "Random seed (-1 draws one from the clock and records it)" },
  reproducible: { type: "bool", default: false, section: length, gridable: true, help: "One thread, bit-identical results for a seed; scores every iteration" },
  force_load_balance: { type: "bool", default: true, section: length, gridable: true, help: "Spread small data over all threads" },
  replicate_training_data: { type: "bool", default: true, section: length, gridable: true, help: "Every node holds all data (multi-node)" },
  single_node_mode: { type: "bool", default: false, section: length, gridable: true, help: "Train on one node only (multi-node)" },
  shuffle_training_data: { type: "bool", default: false, section: length, gridable: true, help: "Shuffle rows (Tide always shuffles once per epoch; kept for compatibility)" },
  mini_batch_size: { type: "int", default: 1, min: 1, section: length, help: "Rows per update; 1 is H2O's per-sample SGD" },
  elastic_averaging: { type: "bool", default: false, section: length, gridable: true, help: "Elastic averaging between nodes (experimental)" },
  elastic_averaging_moving_rate: { type: "float", default: 0.9, min: 0, max: 1, section: length, gridable: true, help: "Weight of the new average in the elastic consensus" },
  elastic_averaging_regularization: { type: "float", default: 0.001, min: 0, section: length, gridable: true, help: "Pull of local weights toward the consensus" },
  col_major: { type: "bool", default: false, section: length, gridable: true, help: "Deprecated; must be false" },
  max_runtime_secs: { type: "float", default: 0, min: 0, section: length, gridable: true, help: "Wall-clock budget in seconds (0 = none), checked between iterations" },

  // ── Optimisation and regularisation ──
  adaptive_rate: { type: "bool", default: true, section: opt, gridable: true, help: "ADADELTA (true) or manual rate and momentum (false)" },
  rho: { type: "float", default: 0.99, min: 0, minExclusive: true, max: 1, section: opt, gridable: true, help: "ADADELTA decay" },
  epsilon: { type: "float", default: 1e-8, min: 0, minExclusive: true, section: opt, gridable: true, help: "ADADELTA conditioning constant" },
  rate: { type: "float", default: 0.005, min: 0, minExclusive: true, section: opt, gridable: true, help: "Learning rate (adaptive_rate = false)" },
  rate_annealing: { type: "float", default: 1e-6, min: 0, section: opt, gridable: true, help: "Rate is divided by 1 + rate_annealing · samples" },
  rate_decay: { type: "float", default: 1.0, min: 0, minExclusive: true, section: opt, gridable: true, help: "Rate factor per layer: rate · rate_decay^(layer − 1)" },
  momentum_start: { type: "float", default: 0, min: 0, max: 1, maxExclusive: true, section: opt, gridable: true, help: "Momentum at the start of training" },
  momentum_ramp: { type: "float", default: 1e6, min: 0, section: opt, gridable: true, help: "Samples over which momentum ramps from start to stable" },
  momentum_stable: { type: "float", default: 0, min: 0, max: 1, maxExclusive: true, section: opt, gridable: true, help: "Momentum after the ramp" },
  nesterov_accelerated_gradient: { type: "bool", default: true, section: opt, gridable: true, help: "Nesterov momentum (true) or classical momentum (false)" },
  input_dropout_ratio: { type: "float", default: 0, min: 0, max: 1, maxExclusive: true, section: opt, gridable: true, help: "Fraction of inputs dropped per training sample" },
  hidden_dropout_ratios: { type: "float[]", default: null, min: 0, max: 1, maxExclusive: true, section: opt, gridable: true, help: "Per hidden layer dropout (…WithDropout only; default 0.5 each)" },
  l1: { type: "float", default: 0, min: 0, section: opt, gridable: true, help: "L1 penalty on weights and biases" },
  l2: { type: "float", default: 0, min: 0, section: opt, gridable: true, help: "L2 penalty on weights and biases" },
  max_w2: { type: "float", default: FLOAT_MAX, min: 0, minExclusive: true, allowInfinity: true, section: opt, gridable: true, help: "Cap on each unit's squared incoming weight norm" },
  fast_mode: { type: "bool", default: true, section: opt, gridable: true, help: "Skip updates of parameters whose data gradient is exactly zero" },
  sparsity_beta: { type: "float", default: 0, min: 0, section: opt, gridable: true, help: "Average-activation penalty strength (autoencoder)" },
  average_activation: { type: "float", default: 0, section: opt, gridable: true, help: "Target average hidden activation (autoencoder)" },

  // ── Loss and distribution ──
  loss: { type: "enum", default: "Automatic", values: ["Automatic", "CrossEntropy", "Quadratic", "Huber", "Absolute", "Quantile"], section: loss, gridable: true, help: "Loss; for regression it only chooses the AUTO distribution" },
  distribution: {
    type: "enum", default: "AUTO", section: loss, gridable: true,
    values: ["AUTO", "bernoulli", "multinomial", "gaussian", "poisson", "gamma", "tweedie", "laplace", "quantile", "huber"],
    help: "Output distribution; bernoulli/multinomial make the response categorical",
  },
  quantile_alpha: { type: "float", default: 0.5, min: 0, max: 1, section: loss, gridable: true, help: "Quantile for distribution quantile" },
  tweedie_power: { type: "float", default: 1.5, min: 1, max: 2, minExclusive: true, maxExclusive: true, section: loss, gridable: true, help: "Power for distribution tweedie" },
  huber_alpha: { type: "float", default: 0.9, min: 0, max: 1, section: loss, gridable: true, help: "Quantile of absolute residuals that sets the Huber threshold" },

  // ── Scoring, stopping and outputs ──
  score_interval: { type: "float", default: 5, min: 0, section: scoring, gridable: true, help: "Minimum seconds between scoring events" },
  score_training_samples: { type: "int", default: 10000, min: 0, section: scoring, gridable: true, help: "Training rows scored for training metrics (0 = all)" },
  score_validation_samples: { type: "int", default: 0, min: 0, section: scoring, gridable: true, help: "Validation rows scored (0 = all)" },
  score_validation_sampling: { type: "enum", default: "Uniform", values: ["Uniform", "Stratified"], section: scoring, gridable: true, help: "How the validation scoring sample is drawn" },
  score_duty_cycle: { type: "float", default: 0.1, min: 0, max: 1, section: scoring, gridable: true, help: "Largest fraction of time spent scoring" },
  score_each_iteration: { type: "bool", default: false, section: scoring, help: "Score after every iteration" },
  classification_stop: { type: "float", default: 0, min: -1, section: scoring, gridable: true, help: "Stop when training classification error ≤ this (-1 disables)" },
  regression_stop: { type: "float", default: 1e-6, min: -1, section: scoring, gridable: true, help: "Stop when training MSE ≤ this (-1 disables)" },
  stopping_rounds: { type: "int", default: 5, min: 0, section: scoring, gridable: true, help: "Early stopping window in scoring events (0 disables)" },
  stopping_metric: {
    type: "enum", default: "AUTO", section: scoring, gridable: true,
    values: ["AUTO", "deviance", "logloss", "MSE", "RMSE", "MAE", "RMSLE", "AUC", "AUCPR", "lift_top_group", "misclassification", "mean_per_class_error", "custom", "custom_increasing"],
    help: "Metric for early stopping (AUTO: logloss, deviance or MSE)",
  },
  stopping_tolerance: { type: "float", default: 0, min: 0, section: scoring, gridable: true, help: "Relative improvement needed to keep training" },
  overwrite_with_best_model: { type: "bool", default: true, section: scoring, gridable: true, help: "Keep the best scored model rather than the last" },
  variable_importances: { type: "bool", default: true, section: scoring, gridable: true, help: "Compute Gedeon variable importances" },
  diagnostics: { type: "bool", default: true, section: scoring, help: "Deprecated; layer statistics are always kept" },
  quiet_mode: { type: "bool", default: false, section: scoring, gridable: true, help: "Print less while training" },
  export_weights_and_biases: { type: "bool", default: false, section: scoring, help: "Expose weights and biases as frames" },
  max_confusion_matrix_size: { type: "int", default: 20, section: scoring, help: "Deprecated; accepted and ignored" },
  auc_type: { type: "enum", default: "AUTO", values: ["AUTO", "NONE", "MACRO_OVR", "WEIGHTED_OVR", "MACRO_OVO", "WEIGHTED_OVO"], section: scoring, gridable: true, help: "Multinomial AUC flavour" },
  gainslift_bins: { type: "int", default: -1, min: -1, section: scoring, help: "Gains/lift groups (-1 default 16, 0 off)" },
  export_checkpoints_dir: { type: "string", default: null, section: scoring, help: "Directory to write a model file at every scoring event" },

  // ── Cross-validation and checkpointing ──
  nfolds: { type: "int", default: 0, min: 0, section: cv, help: "Cross-validation folds (0 = off, else ≥ 2)" },
  fold_assignment: { type: "enum", default: "AUTO", values: ["AUTO", "Random", "Modulo", "Stratified"], section: cv, gridable: true, help: "How rows are assigned to folds" },
  keep_cross_validation_models: { type: "bool", default: true, section: cv, help: "Keep the fold models" },
  keep_cross_validation_predictions: { type: "bool", default: false, section: cv, help: "Keep holdout predictions" },
  keep_cross_validation_fold_assignment: { type: "bool", default: false, section: cv, help: "Keep the fold assignment column" },
  checkpoint: { type: "string", default: null, section: cv, help: "Model file to continue training from" },

  // ── Tide ──
  backend: { type: "string", default: "auto", section: tide, help: "Compute backend: auto (fastest available), simd or reference" },
  nthreads: { type: "int", default: -1, min: -1, section: tide, help: "Training threads (-1 = all cores)" },
};
