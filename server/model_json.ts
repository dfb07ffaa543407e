/**
 * Models on the wire (spec §3.13): `DeepLearningModelV3` with its parameter array (built from the
 * same declarations as the CLI flags), output tables in `TwoDimTableV3` form (column-major, a
 * leading "" row-label column), and `ModelMetrics*V3` objects with H2O's field names.
 * @module
 */
import type { ParamSpec, ParamSpecs } from "../core/params.ts";
import { coerce } from "../core/params.ts";
import type { ConfusionMatrix } from "../core/metrics/mod.ts";
import type { ModelMetrics } from "../core/train/score.ts";
import type { StoredModel } from "./store.ts";
import { keyRef, meta } from "./wire.ts";

type Cell = string | number | null;
interface TableColumn {
  readonly name: string;
  readonly type: "string" | "int" | "long" | "double" | "float";
  readonly format?: string;
  readonly description?: string;
}

/**
 * A `TwoDimTableV3`. `rowLabels` adds H2O's leading row-label column (named `rowHeader`);
 * `rows` are row-major here and sent column-major.
 */
export function table(name: string, description: string, columns: readonly TableColumn[], rows: readonly (readonly Cell[])[], rowLabels: readonly string[] | null, rowHeader = ""): Record<string, unknown> {
  const cols = [...(rowLabels ? [{ name: rowHeader, type: "string" as const, description: rowHeader }] : []), ...columns];
  const data = cols.map((_, j) => rows.map((r, i) => (rowLabels ? (j === 0 ? rowLabels[i] : r[j - 1]) : r[j]) ?? null));
  return {
    __meta: meta("TwoDimTableV3", "TwoDimTable"), name, description,
    columns: cols.map((c) => ({
      __meta: meta("ColumnSpecsBase", "Iced", -1), name: c.name, type: c.type,
      format: c.format ?? (c.type === "string" ? "%s" : c.type === "int" || c.type === "long" ? "%d" : "%.5f"), description: c.description ?? c.name,
    })),
    rowcount: rows.length, data,
  };
}

function confusionTable(cm: ConfusionMatrix): Record<string, unknown> {
  const cols: TableColumn[] = [...cm.domain.map((d) => ({ name: d, type: "long" as const })), { name: "Error", type: "double" }, { name: "Rate", type: "string" }];
  const rows: Cell[][] = cm.domain.map((_, a) => [...cm.counts[a], cm.errors[a], cm.rates[a]]);
  rows.push([...cm.predictedTotals, cm.totalError, cm.totalRate]);
  return { __meta: meta("ConfusionMatrixV3", "ConfusionMatrix"), table: table("Confusion Matrix", "Row labels: Actual class; Column labels: Predicted class", cols, rows, null) };
}

const SCHEMAS: Record<string, string> = {
  Multinomial: "ModelMetricsMultinomial", Binomial: "ModelMetricsBinomial", Regression: "ModelMetricsRegression", AutoEncoder: "ModelMetricsAutoEncoder",
};

/** A `ModelMetrics*V3` object for metrics of `modelId` on frame `frameId`. */
export function metricsJson(m: ModelMetrics | null, modelId: string, frameId: string | null, domain: readonly string[] | null = null): Record<string, unknown> | null {
  if (!m) return null;
  const type = SCHEMAS[m.model_category];
  const out: Record<string, unknown> = {
    __meta: meta(`${type}V3`, type), model: keyRef("Model", modelId), model_checksum: 0, frame: keyRef("Frame", frameId), frame_checksum: 0,
    description: null, model_category: m.model_category, scoring_time: Date.now(), predictions: null, MSE: m.mse, RMSE: m.rmse, nobs: m.nobs,
    custom_metric_name: null, custom_metric_value: 0, r2: "r2" in m ? m.r2 : NaN,
  };
  if (m.model_category === "AutoEncoder") {
    // H2O's ModelMetricsAutoEncoderV3 carries the reconstruction MSE and RMSE above, nothing more.
  } else if (m.model_category === "Regression") {
    Object.assign(out, { mean_residual_deviance: m.mean_residual_deviance, mae: m.mae, rmsle: m.rmsle, loglikelihood: 0, AIC: NaN });
  } else if (m.model_category === "Multinomial") {
    Object.assign(out, {
      logloss: m.logloss, mean_per_class_error: m.mean_per_class_error, AUC: NaN, pr_auc: NaN, multinomial_auc_table: null, multinomial_aucpr_table: null,
      cm: m.confusion_matrix ? confusionTable(m.confusion_matrix) : null, loglikelihood: 0, AIC: NaN,
      hit_ratio_table: table(`Top-${m.hit_ratios.length} Hit Ratios`, "", [{ name: "hit_ratio", type: "float" }], m.hit_ratios.map((h) => [h]), m.hit_ratios.map((_, k) => String(k + 1)), "k"),
    });
  } else {
    const names = ["threshold", "f1", "f2", "f0point5", "accuracy", "precision", "recall", "specificity", "absolute_mcc", "min_per_class_accuracy", "mean_per_class_accuracy", "tns", "fns", "fps", "tps", "tnr", "fnr", "fpr", "tpr", "idx"];
    const thr = table("Metrics for Thresholds", "Binomial metrics as a function of classification thresholds",
      names.map((n) => ({ name: n, type: n === "idx" ? "int" as const : ["tns", "fns", "fps", "tps"].includes(n) ? "long" as const : "double" as const })),
      m.thresholds.map((r) => names.map((n) => (r as Record<string, number>)[n])), null);
    const max = table("Maximum Metrics", "Maximum metrics at their respective thresholds",
      [{ name: "threshold", type: "double" }, { name: "value", type: "double" }, { name: "idx", type: "long" }],
      m.max_criteria.map((c) => [c.threshold, c.value, c.idx]), m.max_criteria.map((c) => c.metric), "metric");
    Object.assign(out, {
      logloss: m.logloss, mean_per_class_error: m.mean_per_class_error, AUC: m.auc, pr_auc: m.pr_auc, Gini: m.gini, domain,
      thresholds_and_metric_scores: thr, max_criteria_and_metric_scores: max, gains_lift_table: null,
      cm: m.confusion_matrix ? confusionTable(m.confusion_matrix) : null, loglikelihood: 0, AIC: NaN,
    });
  }
  return out;
}

const KEY_FRAMES = new Set(["training_frame", "validation_frame"]);
const KEY_MODELS = new Set(["model_id", "checkpoint", "pretrained_autoencoder"]);
const COLUMNS = new Set(["response_column", "weights_column", "offset_column", "fold_column"]);

/** H2O's type name of a declared parameter. */
export function wireType(name: string, spec: ParamSpec): string {
  if (KEY_FRAMES.has(name)) return "Key<Frame>";
  if (KEY_MODELS.has(name)) return "Key<Model>";
  if (COLUMNS.has(name)) return "VecSpecifier";
  return { bool: "boolean", int: "int", float: "double", enum: "enum", string: "string", "int[]": "int[]", "float[]": "double[]", "string[]": "string[]" }[spec.type];
}

function wireValue(name: string, v: unknown): unknown {
  if (v === null || v === undefined) return null;
  if (KEY_FRAMES.has(name)) return keyRef("Frame", String(v));
  if (KEY_MODELS.has(name)) return keyRef("Model", String(v));
  if (COLUMNS.has(name)) return { __meta: meta("ColSpecifierV3", "Iced"), column_name: String(v), is_member_of_frames: null };
  return v;
}

/** `ModelParameterSchemaV3` entries, one per declaration, with default, actual and input values. */
export function parametersJson(specs: ParamSpecs, actual: Readonly<Record<string, unknown>>, input: Readonly<Record<string, string>>): Record<string, unknown>[] {
  return Object.entries(specs).map(([name, spec]) => {
    let inputValue: unknown = null;
    if (input[name] !== undefined) {
      try {
        inputValue = coerce(name, spec, spec.type.endsWith("[]") ? input[name] : input[name].replace(/^"|"$/g, ""));
      } catch {
        inputValue = input[name];
      }
    }
    return {
      __meta: meta("ModelParameterSchemaV3", "Iced"), name, label: name, help: spec.help, required: false, type: wireType(name, spec),
      default_value: wireValue(name, spec.default), actual_value: wireValue(name, actual[name] ?? null), input_value: wireValue(name, inputValue),
      level: spec.level ?? "expert", values: spec.values ?? [], is_member_of_frames: [], is_mutually_exclusive_with: [], gridable: spec.gridable ?? false,
    };
  });
}

/** Pythonified table header: lower case, runs of spaces/underscores as one "_", other non-word characters dropped. */
function pythonify(h: string): string {
  return h.toLowerCase().replace(/[\s_]+/g, "_").replace(/[^\w]/g, "");
}

/** `DeepLearningModelV3`. */
export function modelJson(m: StoredModel, specs: ParamSpecs): Record<string, unknown> {
  const d = m.model.data;
  const out = d.output;
  const id = d.modelId;
  const prep = d.preprocessor;
  const resp = prep.response;
  const tm = out.trainingMetrics, vm = out.validationMetrics;
  const autoencoder = d.problem === "autoencoder";
  const category = tm?.model_category ?? (autoencoder ? "AutoEncoder" : d.problem === "regression" ? "Regression" : resp?.kind === "categorical" && resp.domain.length === 2 ? "Binomial" : "Multinomial");
  const domain = resp?.kind === "categorical" ? resp.domain : null;
  const cv = out.crossValidation ?? null;
  const actual = { ...d.params, training_frame: m.trainingFrame, validation_frame: m.validationFrame, model_id: id };

  const layerCols: TableColumn[] = [
    { name: "layer", type: "int" }, { name: "units", type: "int" }, { name: "type", type: "string" }, { name: "dropout", type: "double", format: "%2.2f %%" },
    ...["l1", "l2", "mean_rate", "rate_rms", "momentum", "mean_weight", "weight_rms", "mean_bias", "bias_rms"].map((n) => ({ name: n, type: "double" as const })),
  ];
  const layerRows = out.layers.map((r) => {
    const nums = [r.l1, r.l2, r.mean_rate, r.rate_rms, r.momentum, r.mean_weight, r.weight_rms, r.mean_bias, r.bias_rms].map((x) => (r.type === "Input" ? null : x));
    return [r.layer, r.units, r.type, r.dropout, ...nums];
  });
  const params = d.params;
  const what = resp?.kind === "categorical" ? `${resp.domain.length}-class classification` : "regression";
  // An autoencoder's loss is its `loss` parameter (Automatic means Quadratic); H2O's description has no "predicting" part then.
  const loss = autoencoder ? (params.loss && params.loss !== "Automatic" ? params.loss : "Quadratic")
    : d.softmaxLoss === "CrossEntropy" && d.problem === "classification" ? "CrossEntropy" : "Quadratic";
  const summaryDesc = `${autoencoder ? "auto-encoder" : `predicting ${resp?.name}, ${what}`}, ${d.distribution} distribution, ${loss} loss, ` +
    `${d.shape.units.slice(1).reduce((s, u, k) => s + u * (d.shape.units[k] + 1), 0)} weights/biases, ${out.samples} training samples, mini-batch size ${params.mini_batch_size ?? 1}`;

  const history = out.history;
  const histKeys = [...new Set(history.flatMap((r) => Object.keys(r)))];
  const histCols: TableColumn[] = histKeys.map((k) => ({
    name: pythonify(k), description: k,
    type: ["timestamp", "duration", "training_speed"].includes(k) ? "string" : k === "iterations" ? "int" : "double",
  }));
  const histRows = history.map((r) => histKeys.map((k) => {
    const v = r[k];
    if (k === "training_speed" && v === "") return null;
    if (k === "duration" && typeof v === "string") return ` ${v}`;
    return v ?? null;
  }));

  // The wire contract (spec §3.13) has no variable importances for autoencoders; the library's stay in the model.
  const varimp = out.varimp && !autoencoder
    ? table("Variable Importances", "", [{ name: "relative_importance", type: "double" }, { name: "scaled_importance", type: "double" }, { name: "percentage", type: "double" }],
      out.varimp.map((v) => [v.relative_importance, v.scaled_importance, v.percentage]), out.varimp.map((v) => v.variable), "variable")
    : null;
  const names = [...prep.inputs.map((i) => i.name), ...(resp ? [resp.name] : [])];
  return {
    __meta: meta("DeepLearningModelV3", "DeepLearningModel"), model_id: keyRef("Model", id), algo: "deeplearning", algo_full_name: "Deep Learning",
    response_column_name: resp?.name ?? null, treatment_column_name: null, data_frame: keyRef("Frame", m.trainingFrame), timestamp: m.timestamp,
    have_pojo: false, have_mojo: false, parameters: parametersJson(specs, actual, m.input), compatible_frames: null,
    output: {
      __meta: meta("DeepLearningModelOutputV3", "DeepLearningModelOutput"), model_category: category, status: "DONE",
      names, original_names: null,
      column_types: [...prep.inputs.map((i) => (i.kind === "categorical" ? "Enum" : "Numeric")), ...(resp ? [resp.kind === "categorical" ? "Enum" : "Numeric"] : [])],
      domains: [...prep.inputs.map((i) => (i.kind === "categorical" ? i.domain : null)), ...(resp ? [resp.kind === "categorical" ? resp.domain : null] : [])],
      training_metrics: metricsJson(tm, id, m.trainingFrame, domain), validation_metrics: metricsJson(vm, id, m.validationFrame, domain),
      cross_validation_metrics: metricsJson(out.crossValidationMetrics ?? null, id, m.trainingFrame, domain),
      cross_validation_metrics_summary: cv ? table("Cross-Validation Metrics Summary", "",
        [{ name: "mean", type: "float" }, { name: "sd", type: "float" }, ...cv.foldModelIds.map((_, k) => ({ name: `cv_${k + 1}_valid`, type: "float" as const }))],
        cv.summary.metrics.map((_, j) => [cv.summary.mean[j], cv.summary.sd[j], ...cv.summary.folds.map((f) => f[j])]), cv.summary.metrics) : null,
      cross_validation_models: cv ? cv.foldModelIds.map((f) => keyRef("Model", f)) : null,
      cross_validation_predictions: null, cross_validation_holdout_predictions_frame_id: null, cross_validation_fold_assignment_frame_id: null,
      model_summary: table("Status of Neuron Layers", summaryDesc, layerCols, layerRows, layerRows.map(() => "")),
      scoring_history: table("Scoring History", "", histCols, histRows, histRows.map(() => "")),
      variable_importances: varimp,
      start_time: m.timestamp - Math.round(out.runTimeMs), end_time: m.timestamp, run_time: Math.round(out.runTimeMs),
      default_threshold: m.model.threshold, help: null, cv_scoring_history: null, reproducibility_information_table: null,
      weights: null, biases: null, normmul: null, normsub: null, normrespmul: null, normrespsub: null, catoffsets: null,
      training_status: out.status,
    },
  };
}
