/**
 * Helpers behind the model accessors H2O's clients offer: which stored metrics to read, every
 * parameter with its default and actual value, and H2O's names for prediction columns.
 * @module
 */
import { paramSpecs, type PluginSet } from "../core/train/resolve.ts";

/** Which stored metrics an accessor reads: training (the default), validation or cross-validation; at most one. */
export interface MetricSource {
  readonly train?: boolean;
  readonly valid?: boolean;
  readonly xval?: boolean;
}

/** One parameter as H2O's `model.params` shows it. */
export interface ParamDefaultActual {
  /** H2O's default (the declaration's). */
  readonly default: unknown;
  /** The value the model trained with, after sanitizing. */
  readonly actual: unknown;
}

/**
 * Every declared parameter (plugin parameters included) with its default and actual value;
 * parameters the model holds that are not declared here (a plugin since removed) keep a null default.
 */
export function paramsWithDefaults(actual: Readonly<Record<string, unknown>>, plugins: PluginSet): Record<string, ParamDefaultActual> {
  const specs = paramSpecs(plugins);
  const out: Record<string, ParamDefaultActual> = {};
  for (const [name, spec] of Object.entries(specs)) out[name] = { default: spec.default, actual: name in actual ? actual[name] : spec.default };
  for (const [name, v] of Object.entries(actual)) if (!(name in out)) out[name] = { default: null, actual: v };
  return out;
}

/**
 * The probability column of a class as H2O names it: "p" + the label when the label reads as a
 * 32-bit integer ("0" → "p0", "-1" → "p-1"), the label itself otherwise ("setosa").
 */
export function predictionColumnName(level: string): string {
  if (!/^[+-]?\d+$/.test(level)) return level;
  const v = Number(level);
  return v >= -(2 ** 31) && v <= 2 ** 31 - 1 ? `p${level}` : level;
}
