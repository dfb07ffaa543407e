/**
 * The metric accumulator contract (STYLE §2): `init` makes an empty state, `add` folds one row into
 * it in place, `merge` combines two states into a new one (threads, cross-validation folds,
 * averaging) and `value` reads the metrics. States are plain objects of numbers, number arrays and
 * Float64Arrays, so `structuredClone` and `postMessage` carry them unchanged.
 * @module
 */

/** One metric family: rows of shape `Row` in, a `Value` out, with a mergeable `State` between. */
export interface Accumulator<State, Row extends unknown[], Value> {
  /** Which H2O metrics object this produces ("Regression", "Binomial", …). */
  readonly name: string;
  /** A fresh, empty state. */
  init(): State;
  /** Folds one row into `state` (mutates it); rows that H2O skips are ignored. */
  add(state: State, ...row: Row): void;
  /** A new state equal to having added the rows of both; `a` and `b` are left unchanged. */
  merge(a: State, b: State): State;
  /** The metrics of the rows added so far. */
  value(state: State): Value;
}

/** Merges any number of states left to right into a new state; throws on an empty list. */
export function mergeAll<S>(acc: Pick<Accumulator<S, never, unknown>, "merge">, states: readonly S[]): S {
  if (states.length === 0) throw new RangeError("Cannot merge metric states: got an empty list");
  if (states.length === 1) return structuredClone(states[0]);
  let out = acc.merge(states[0], states[1]);
  for (let i = 2; i < states.length; i++) out = acc.merge(out, states[i]);
  return out;
}
