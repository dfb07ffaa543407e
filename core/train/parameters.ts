/**
 * The engine's own Deep Learning parameters, by H2O wire name, with H2O's default, level, allowed
 * values and a help line (spec §16). A plugin's parameters (rho and epsilon of ADADELTA, l1,
 * tweedie_power, …) are declared by the plugin itself, and the enum values of `activation` and
 * `distribution` come from the registries: `paramSpecs(plugins)` in resolve.ts joins them into
 * the one table that CLI flags, `--help`, REST schemas and the model's parameters come from.
 * @module
 */
import { type ParamSpecs, SECTIONS } from "../params.ts";

const { data, arch, length, opt, loss, scoring, cv, tide } = SECTIONS;

/** The Deep Learning parameter declarations. */
export const deepLearningParams: ParamSpecs = {
  // ── Data and roles ──
  model_id: { level: "critical", type: "string", default: null, section: data, help: "Destination name of the model (generated when omitted)" },
  training_frame: { level: "critical", type: "string", default: null, section: data, help: "Training data: a CSV or .csv.gz path (or a Frame from the API)" },
  validation_frame: { level: "critical", type: "string", default: null, section: data, gridable: true, help: "Data scored during training; drives early stopping and best-model selection" },
  response_column: { level: "critical", type: "string", default: null, section: data, gridable: true, aliases: ["y"], help: "Column to predict; categorical means classification (not for autoencoders)" },
  ignored_columns: { level: "critical", type: "string[]", default: null, section: data, help: "Columns that are not predictors" },
  ignore_const_cols: { level: "critical", type: "bool", default: true, section: data, help: "Drop constant, all-missing and string columns" },
  weights_column: { level: "secondary", type: "string", default: null, section: data, gridable: true, help: "Observation weights column (≥ 0); scales each row's loss" },
  offset_column: { level: "secondary", type: "string", default: null, section: data, gridable: true, help: "Per-row offset added in link space (regression only)" },
  fold_column: { level: "secondary", type: "string", default: null, section: data, gridable: true, help: "Explicit cross-validation fold per row" },
  categorical_encoding: { level: "secondary",
    type: "enum", default: "AUTO", section: data, gridable: true,
    values: ["AUTO", "OneHotInternal", "Binary", "Eigen", "LabelEncoder", "SortByResponse", "EnumLimited"],
    help: "How categoricals enter the network (AUTO = OneHotInternal)",
  },
  use_all_factor_levels: { level: "secondary", type: "bool", default: true, section: data, gridable: true, help: "One input per level (true) or drop the first level (false)" },
  standardize: { level: "secondary", type: "bool", default: true, section: data, gridable: true, help: "Standardize numeric inputs and identity-link responses" },
  missing_values_handling: { level: "expert", type: "enum", default: "MeanImputation", values: ["MeanImputation", "Skip"], section: data, gridable: true, help: "Missing predictors: impute the training mean, or skip the row in training" },
  max_categorical_features: { level: "expert", type: "int", default: 2147483647, min: 1, section: data, gridable: true, help: "Hash one-hot inputs into this many buckets when it is smaller than their count" },
  sparse: { level: "expert", type: "bool", default: false, section: data, gridable: true, help: "Keep zeros zero: scale numerics without centering" },
  balance_classes: { level: "secondary", type: "bool", default: false, section: data, gridable: true, help: "Over/under-sample classes to balance them (classification)" },
  class_sampling_factors: { level: "expert", type: "float[]", default: null, min: 0, section: data, gridable: true, help: "Per-class sampling ratios, in domain order (needs balance_classes)" },
  max_after_balance_size: { level: "expert", type: "float", default: 5.0, min: 0, minExclusive: true, section: data, help: "Largest balanced size, relative to the training rows" },

  // ── Architecture and initialisation ──
  activation: { level: "critical", type: "enum", default: "Rectifier", values: [], section: arch, gridable: true, help: "Hidden-layer activation (the registered ones); …WithDropout adds hidden dropout" },
  hidden: { level: "critical", type: "int[]", default: [200, 200], min: 1, section: arch, gridable: true, help: "Hidden layer sizes, e.g. 32,32,32 (empty for none)" },
  initial_weight_distribution: { level: "expert", type: "enum", default: "UniformAdaptive", values: ["UniformAdaptive", "Uniform", "Normal"], section: arch, gridable: true, help: "Initial weight distribution" },
  initial_weight_scale: { level: "expert", type: "float", default: 1.0, min: 0, minExclusive: true, section: arch, gridable: true, help: "Half-width (Uniform) or standard deviation (Normal) of initial weights" },
  initial_weights: { level: "expert", type: "string[]", default: null, section: arch, help: "Initial weight matrices, input layer first (rows: units above, columns: units below): CSV files, or Frames from the API; an empty entry keeps a layer random. Needs initial_biases" },
  initial_biases: { level: "expert", type: "string[]", default: null, section: arch, help: "Initial bias vectors, one column per file, input layer first: CSV files, or Frames from the API; an empty entry keeps a layer random. Needs initial_weights" },
  autoencoder: { level: "secondary", type: "bool", default: false, section: arch, help: "Train an autoencoder (no response)" },

  // ── Training length and parallelism ──
  epochs: { level: "critical", type: "float", default: 10, min: 0, section: length, gridable: true, help: "Passes over the training data (fractional allowed; a total across checkpoints)" },
  train_samples_per_iteration: { level: "secondary", type: "int", default: -2, min: -2, section: length, gridable: true, help: "Samples between scoring opportunities: -2 auto, -1 or 0 one epoch, or a count" },
  target_ratio_comm_to_comp: { level: "expert", type: "float", default: 0.05, min: 0, minExclusive: true, section: length, gridable: true, help: "Target communication/computation ratio for auto-tuning (multi-node)" },
  seed: { level: "expert", type: "int", default: -1, section: length, gridable: true, help: "Random seed (-1 draws one from the clock and records it)" },
  reproducible: { level: "expert", type: "bool", default: false, section: length, gridable: true, help: "One thread, bit-identical results for a seed; scores every iteration" },
  force_load_balance: { level: "expert", type: "bool", default: true, section: length, gridable: true, help: "Spread small data over all threads" },
  replicate_training_data: { level: "secondary", type: "bool", default: true, section: length, gridable: true, help: "Every node holds all data (multi-node)" },
  single_node_mode: { level: "expert", type: "bool", default: false, section: length, gridable: true, help: "Train on one node only (multi-node)" },
  shuffle_training_data: { level: "expert", type: "bool", default: false, section: length, gridable: true, help: "Shuffle rows (Tide always shuffles once per epoch; kept for compatibility)" },
  mini_batch_size: { level: "expert", type: "int", default: 1, min: 1, section: length, help: "Rows per update; 1 is H2O's per-sample SGD" },
  elastic_averaging: { level: "expert", type: "bool", default: false, section: length, gridable: true, help: "Elastic averaging between nodes (experimental)" },
  elastic_averaging_moving_rate: { level: "expert", type: "float", default: 0.9, min: 0, max: 1, section: length, gridable: true, help: "Weight of the new average in the elastic consensus" },
  elastic_averaging_regularization: { level: "expert", type: "float", default: 0.001, min: 0, section: length, gridable: true, help: "Pull of local weights toward the consensus" },
  col_major: { level: "expert", type: "bool", default: false, section: length, gridable: true, help: "Deprecated; must be false" },
  max_runtime_secs: { level: "secondary", type: "float", default: 0, min: 0, section: length, gridable: true, help: "Wall-clock budget in seconds (0 = none), checked between iterations" },

  // ── Optimisation and regularisation ──
  adaptive_rate: { level: "secondary", type: "bool", default: true, section: opt, gridable: true, help: "ADADELTA (true) or manual rate and momentum (false)" },
  nesterov_accelerated_gradient: { level: "expert", type: "bool", default: true, section: opt, gridable: true, help: "Nesterov momentum (true) or classical momentum (false)" },
  fast_mode: { level: "expert", type: "bool", default: true, section: opt, gridable: true, help: "Skip updates of parameters whose data gradient is exactly zero" },
  sparsity_beta: { level: "expert", type: "float", default: 0, min: 0, section: opt, gridable: true, help: "Average-activation penalty strength (autoencoder)" },
  average_activation: { level: "expert", type: "float", default: 0, section: opt, gridable: true, help: "Target average hidden activation (autoencoder)" },

  // ── Loss and distribution ──
  loss: { level: "secondary", type: "enum", default: "Automatic", values: ["Automatic", "CrossEntropy", "Quadratic", "Huber", "Absolute", "Quantile"], section: loss, gridable: true, help: "Loss; for regression it only chooses the AUTO distribution" },
  distribution: { level: "secondary",
    type: "enum", default: "AUTO", section: loss, gridable: true,
    values: ["AUTO"],
    help: "Output distribution; bernoulli/multinomial make the response categorical",
  },

  // ── Scoring, stopping and outputs ──
  score_interval: { level: "secondary", type: "float", default: 5, min: 0, section: scoring, gridable: true, help: "Minimum seconds between scoring events" },
  score_training_samples: { level: "secondary", type: "int", default: 10000, min: 0, section: scoring, gridable: true, help: "Training rows scored for training metrics (0 = all)" },
  score_validation_samples: { level: "secondary", type: "int", default: 0, min: 0, section: scoring, gridable: true, help: "Validation rows scored (0 = all)" },
  score_validation_sampling: { level: "expert", type: "enum", default: "Uniform", values: ["Uniform", "Stratified"], section: scoring, gridable: true, help: "How the validation scoring sample is drawn" },
  score_duty_cycle: { level: "secondary", type: "float", default: 0.1, min: 0, max: 1, section: scoring, gridable: true, help: "Largest fraction of time spent scoring" },
  score_each_iteration: { level: "secondary", type: "bool", default: false, section: scoring, help: "Score after every iteration" },
  classification_stop: { level: "expert", type: "float", default: 0, min: -1, section: scoring, gridable: true, help: "Stop when training classification error ≤ this (-1 disables)" },
  regression_stop: { level: "expert", type: "float", default: 1e-6, min: -1, section: scoring, gridable: true, help: "Stop when training MSE ≤ this (-1 disables)" },
  stopping_rounds: { level: "secondary", type: "int", default: 5, min: 0, section: scoring, gridable: true, help: "Early stopping window in scoring events (0 disables)" },
  stopping_metric: { level: "secondary",
    type: "enum", default: "AUTO", section: scoring, gridable: true,
    values: ["AUTO", "deviance", "logloss", "MSE", "RMSE", "MAE", "RMSLE", "AUC", "AUCPR", "lift_top_group", "misclassification", "mean_per_class_error", "custom", "custom_increasing"],
    help: "Metric for early stopping (AUTO: logloss, deviance or MSE)",
  },
  stopping_tolerance: { level: "secondary", type: "float", default: 0, min: 0, section: scoring, gridable: true, help: "Relative improvement needed to keep training" },
  overwrite_with_best_model: { level: "expert", type: "bool", default: true, section: scoring, gridable: true, help: "Keep the best scored model rather than the last" },
  variable_importances: { level: "critical", type: "bool", default: true, section: scoring, gridable: true, help: "Compute Gedeon variable importances" },
  diagnostics: { level: "expert", type: "bool", default: true, section: scoring, help: "Deprecated; layer statistics are always kept" },
  quiet_mode: { level: "expert", type: "bool", default: false, section: scoring, gridable: true, help: "Print less while training" },
  export_weights_and_biases: { level: "expert", type: "bool", default: false, section: scoring, help: "Expose weights and biases as frames" },
  max_confusion_matrix_size: { level: "secondary", type: "int", default: 20, section: scoring, help: "Deprecated; accepted and ignored" },
  auc_type: { level: "expert", type: "enum", default: "AUTO", values: ["AUTO", "NONE", "MACRO_OVR", "WEIGHTED_OVR", "MACRO_OVO", "WEIGHTED_OVO"], section: scoring, gridable: true, help: "Multinomial AUC flavour" },
  gainslift_bins: { level: "expert", type: "int", default: -1, min: -1, section: scoring, help: "Gains/lift groups (-1 default 16, 0 off)" },
  max_hit_ratio_k: { level: "secondary", type: "int", default: 10, min: 0, section: scoring, help: "Ranks in the multinomial hit-ratio table, up to the class count (0 off)" },
  export_checkpoints_dir: { level: "secondary", type: "string", default: null, section: scoring, help: "Directory to write a model file at every scoring event" },

  // ── Cross-validation and checkpointing ──
  nfolds: { level: "critical", type: "int", default: 0, min: 0, section: cv, help: "Cross-validation folds (0 = off, else ≥ 2)" },
  fold_assignment: { level: "secondary", type: "enum", default: "AUTO", values: ["AUTO", "Random", "Modulo", "Stratified"], section: cv, gridable: true, help: "How rows are assigned to folds" },
  keep_cross_validation_models: { level: "expert", type: "bool", default: true, section: cv, help: "Keep the fold models" },
  keep_cross_validation_predictions: { level: "expert", type: "bool", default: false, section: cv, help: "Keep holdout predictions" },
  keep_cross_validation_fold_assignment: { level: "expert", type: "bool", default: false, section: cv, help: "Keep the fold assignment column" },
  checkpoint: { level: "secondary", type: "string", default: null, section: cv, help: "Model file to continue training from" },
  pretrained_autoencoder: { level: "secondary", type: "string", default: null, section: cv, help: "Autoencoder model file whose weights start this network (all but the output layer; same inputs and hidden layers)" },

  // ── Tide ──
  backend: { level: "secondary", type: "string", default: "auto", section: tide, help: "Compute backend (Tide only; H2O has none): auto (the default) picks per network and mini_batch_size among the backends that run here and accept the network — one left: it; two (simd and a GPU): the faster, measured once and cached; reproducible: the highest priority, never a timing; reference only when nothing else runs — and prints its choice; or simd, webgpu (mini_batch_size ≥ 2, needs a GPU adapter), reference" },
  nthreads: { level: "secondary", type: "int", default: -1, min: -1, section: tide, help: "Training threads (-1 = all cores)" },
  parallel_mode: { level: "secondary",
    type: "enum", default: "auto", values: ["auto", "hogwild", "average"], section: tide, gridable: true,
    help: "How threads share the model: hogwild (one model, lock-free), average (a replica per thread, averaged every iteration), auto (measures both, keeps the faster)",
  },
};
