/**
 * A grid's hyper-parameter space and its two walks (spec §11.1–§11.3): Cartesian, the full
 * product in odometer order (the first hyper-parameter varies fastest), and RandomDiscrete,
 * uniform draws without repeats. Only parameters declared `gridable` may appear; every value is
 * checked against its declaration before anything trains.
 * @module
 */
import type { Message, ParamSpecs } from "../../core/params.ts";
import { checkRange, coerce, resolveName, unknownMessage } from "../../core/params.ts";
import { hashWords, Rng, seedWords } from "../../core/rng.ts";

/** Candidate values by wire name. */
export type HyperSpace = Readonly<Record<string, readonly unknown[]>>;

/** A checked space: the common part and its subspaces (alternative maps merged with it). */
export interface HyperSpaces {
  /** One merged map per subspace (one map when there are none). */
  readonly spaces: readonly HyperSpace[];
  /** Number of combinations, all subspaces together. */
  readonly size: number;
}

/** The search strategy and its budgets (spec §11.3). */
export interface SearchCriteria {
  readonly strategy: "Cartesian" | "RandomDiscrete";
  /** Successfully built models to stop after (0 = no limit; RandomDiscrete only). */
  readonly max_models: number;
  /** Wall-clock budget of the whole grid (0 = none). */
  readonly max_runtime_secs: number;
  /** Seed of the random walk (−1 = unseeded). */
  readonly seed: number;
  readonly stopping_rounds: number;
  readonly stopping_metric: string;
  readonly stopping_tolerance: number;
}

/** H2O's search-criteria declarations (types, defaults, bounds), parsed like any parameter. */
export const SEARCH_CRITERIA: ParamSpecs = {
  strategy: { type: "enum", default: "Cartesian", values: ["Cartesian", "RandomDiscrete"], help: "Cartesian (every combination) or RandomDiscrete (random draws)" },
  max_models: { type: "int", default: 0, min: 0, help: "Stop after this many built models (0 = no limit)" },
  max_runtime_secs: { type: "float", default: 0, min: 0, help: "Time budget of the whole grid (0 = none)" },
  seed: { type: "int", default: -1, help: "Seed of the random walk; also model m's seed (seed + m) when the model seed is left at -1" },
  stopping_rounds: { type: "int", default: 0, min: 0, help: "Grid-level early stopping window (0 = off)" },
  stopping_metric: {
    type: "enum", default: "AUTO", help: "Metric of the grid-level early stopping",
    values: ["AUTO", "deviance", "logloss", "MSE", "RMSE", "MAE", "RMSLE", "AUC", "AUCPR", "lift_top_group", "misclassification", "mean_per_class_error"],
  },
  stopping_tolerance: { type: "float", default: 0.001, min: 0, help: "Relative improvement the best models must show" },
};

/** Gridable in H2O's declarations, but given to the grid itself rather than searched here. */
const GRID_INPUTS: Readonly<Record<string, string>> = {
  validation_frame: "the grid's validation frame (--validation_frame)",
  response_column: "the grid's response (--y)",
};

const RANDOM_ONLY = ["max_models", "seed", "stopping_rounds", "stopping_metric", "stopping_tolerance"];

/** Parses search criteria (an object, or its JSON text); every problem is one message naming its key. */
export function parseSearchCriteria(raw: unknown): { criteria: SearchCriteria; messages: Message[] } {
  const messages: Message[] = [];
  const obj = typeof raw === "string" ? parseJson(raw, "search_criteria", messages) : (raw ?? {});
  const out: Record<string, unknown> = Object.fromEntries(Object.entries(SEARCH_CRITERIA).map(([k, s]) => [k, s.default]));
  if (obj && typeof obj === "object" && !Array.isArray(obj)) {
    for (const [k, v] of Object.entries(obj)) {
      const spec = SEARCH_CRITERIA[k];
      if (!spec) {
        messages.push({ level: "error", field: `search_criteria.${k}`, message: `Unknown search criterion "${k}": the criteria are ${Object.keys(SEARCH_CRITERIA).join(", ")}` });
        continue;
      }
      try {
        const value = coerce(`search_criteria.${k}`, spec, v);
        const bad = checkRange(`search_criteria.${k}`, spec, value);
        if (bad) messages.push({ level: "error", field: `search_criteria.${k}`, message: bad });
        else out[k] = value;
      } catch (e) {
        messages.push({ level: "error", field: `search_criteria.${k}`, message: (e as Error).message });
      }
    }
    if (out.strategy === "Cartesian") {
      for (const k of RANDOM_ONLY) {
        if (k in obj) messages.push({ level: "error", field: `search_criteria.${k}`, message: `search criterion "${k}" applies to the RandomDiscrete strategy only: add "strategy": "RandomDiscrete" or remove it` });
      }
    }
  } else if (obj !== null) {
    messages.push({ level: "error", field: "search_criteria", message: `"search_criteria" must be a JSON object such as {"strategy":"RandomDiscrete","max_models":10}` });
  }
  return { criteria: out as unknown as SearchCriteria, messages };
}

/**
 * Checks a hyper-parameter map against the declarations: known, gridable, a non-empty list of
 * valid values, not also fixed. `subspaces` (a list of maps) are merged with the common part.
 * @param fixed the parameters every model shares (a name may not be both fixed and searched)
 */
export function parseHyperParams(raw: unknown, specs: ParamSpecs, fixed: Readonly<Record<string, unknown>> = {}): { space: HyperSpaces; messages: Message[] } {
  const messages: Message[] = [];
  const err = (field: string, message: string) => messages.push({ level: "error", field, message });
  const obj = typeof raw === "string" ? parseJson(raw, "hyper_params", messages) : raw;
  if (!obj || typeof obj !== "object" || Array.isArray(obj)) {
    if (!messages.length) err("hyper_params", `"hyper_params" must be a JSON object of value lists, such as {"hidden":[[32,32],[64,64]],"l1":[0,1e-5]}`);
    return { space: { spaces: [], size: 0 }, messages };
  }
  const checkMap = (map: Record<string, unknown>, where: string): Record<string, unknown[]> => {
    const out: Record<string, unknown[]> = {};
    for (const [typed, values] of Object.entries(map)) {
      if (typed === "subspaces") continue;
      const name = resolveName(specs, typed);
      const field = `${where}${typed}`;
      if (!name) {
        err(field, unknownMessage(specs, typed).replace("Unknown parameter", "Unknown hyper-parameter"));
        continue;
      }
      if (!specs[name].gridable) {
        err(field, `"${name}" cannot be searched in a grid (H2O declares it not gridable): give it as a fixed parameter instead`);
        continue;
      }
      if (name in GRID_INPUTS) {
        err(field, `"${name}" is ${GRID_INPUTS[name]}, one for the whole grid: it cannot be searched; run one grid per value`);
        continue;
      }
      if (fixed[name] !== undefined) {
        err(field, `"${name}" is both a fixed parameter and a hyper-parameter: give it in one place`);
        continue;
      }
      if (!Array.isArray(values) || values.length === 0) {
        err(field, `hyper-parameter "${name}" needs a non-empty list of values, such as [${JSON.stringify(specs[name].default ?? 0)}]`);
        continue;
      }
      const coerced: unknown[] = [];
      for (const v of values) {
        try {
          const c = coerce(name, specs[name], v);
          const bad = checkRange(name, specs[name], c);
          if (bad) err(field, `hyper-parameter ${bad}`);
          else coerced.push(c);
        } catch (e) {
          err(field, `hyper-parameter ${(e as Error).message}`);
        }
      }
      const seen = new Set(coerced.map((c) => JSON.stringify(c)));
      if (seen.size < coerced.length) err(field, `hyper-parameter "${name}" lists a value twice: give each value once`);
      out[name] = coerced;
    }
    return out;
  };
  const common = checkMap(obj as Record<string, unknown>, "hyper_params.");
  const subs = (obj as Record<string, unknown>).subspaces;
  let spaces: HyperSpace[] = [common];
  if (subs !== undefined) {
    if (!Array.isArray(subs) || subs.length === 0 || subs.some((s) => !s || typeof s !== "object" || Array.isArray(s))) {
      err("hyper_params.subspaces", `"subspaces" must be a non-empty list of objects of value lists`);
    } else {
      spaces = subs.map((s, i) => {
        const sub = checkMap(s as Record<string, unknown>, `hyper_params.subspaces[${i}].`);
        for (const k of Object.keys(sub)) if (k in common) err(`hyper_params.subspaces[${i}].${k}`, `"${k}" is in both the common hyper-parameters and subspace ${i}: give it in one place`);
        return { ...common, ...sub };
      });
    }
  }
  if (spaces.every((s) => Object.keys(s).length === 0) && !messages.length) err("hyper_params", `"hyper_params" is empty: give at least one gridable parameter and its values`);
  const size = spaces.reduce((n, s) => n + Object.values(s).reduce((m, v) => m * v.length, 1), 0);
  return { space: { spaces, size }, messages };
}

/** The Cartesian walk: each subspace's full product, first hyper-parameter fastest. */
export function* cartesian(space: HyperSpaces): Generator<Record<string, unknown>> {
  for (const s of space.spaces) {
    const names = Object.keys(s);
    const idx = names.map(() => 0);
    for (;;) {
      yield Object.fromEntries(names.map((n, j) => [n, s[n][idx[j]]]));
      let j = 0;
      while (j < names.length && ++idx[j] === s[names[j]].length) idx[j++] = 0;
      if (j === names.length) break;
    }
  }
}

/**
 * The RandomDiscrete walk: a uniform subspace, then a uniform value per hyper-parameter; a
 * combination already visited is drawn again, and the walk ends ("exhausted") after
 * max(10 000, size) repeats in a row, or when every combination has been visited.
 */
export function* randomDiscrete(space: HyperSpaces, seed: number): Generator<Record<string, unknown>> {
  const s = seed === -1 ? Math.floor(Math.random() * 2 ** 52) : seed;
  const rng = new Rng(hashWords(...seedWords(s), 0x9a1d));
  const visited = new Set<string>();
  const limit = Math.max(10_000, space.size);
  while (visited.size < space.size) {
    let rejected = 0;
    for (;;) {
      const sub = space.spaces[rng.below(space.spaces.length)];
      const combo = Object.fromEntries(Object.entries(sub).map(([n, vs]) => [n, vs[rng.below(vs.length)]]));
      const key = JSON.stringify(Object.entries(combo).sort(([a], [b]) => (a < b ? -1 : 1)));
      if (!visited.has(key)) {
        visited.add(key);
        yield combo;
        break;
      }
      if (++rejected >= limit) return;
    }
  }
}

function parseJson(text: string, field: string, messages: Message[]): unknown {
  try {
    return JSON.parse(text);
  } catch (e) {
    messages.push({ level: "error", field, message: `"${field}" is not valid JSON (${(e as Error).message}): write it like {"hidden":[[32,32],[64,64]]}` });
    return null;
  }
}
