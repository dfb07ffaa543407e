/**
 * What every participant of a peer-averaged run does to its own TrainingSession: which rows it
 * trains (its shard, or its own shuffle of replicated data), how many per iteration (retuned
 * from `target_ratio_comm_to_comp` when `train_samples_per_iteration` is −2), and one averaging
 * round at each iteration boundary: the parameters and optimizer slots, weighted by the samples
 * trained since the last round, with the sample counter summed over the peers.
 * @module
 */
import { type Averaged, ringAverage, type RingPosition } from "../core/average.ts";
import { hashWords } from "../core/rng.ts";
import { permutation } from "../core/train/loop.ts";
import type { TrainingSession } from "../core/train/session.ts";

/** How a participant trains its part. */
export interface Part {
  /** Its place in the ring (0 … size − 1), and how many train. */
  readonly rank: number;
  readonly size: number;
  readonly replicate: boolean;
}

/**
 * Sets the rows this participant visits; throws when its shard is empty. With replicated data
 * each participant keeps its own shuffle for the whole run; shards are rows `r` with
 * `r mod size = rank`, so every row belongs to exactly one member of the current ring.
 */
export function useRows(s: TrainingSession, part: Part): void {
  const U = s.data.usable.length, seed = s.parts.net.seed;
  if (part.size === 1) return void (s.rowOrder = null); // alone: the single-node order
  if (part.replicate) {
    // Rank 0 keeps the single-node order; the others shuffle with their own seed.
    const own: [number, number] = part.rank === 0 ? [seed[0], seed[1]] : [hashWords(seed[0], part.rank, 0x7e1d), hashWords(seed[1], part.rank, 0x7e1e)];
    s.rowOrder = (pass) => permutation(U, own, pass);
    return;
  }
  const mine = Math.floor((U - part.rank + part.size - 1) / part.size);
  if (mine === 0) throw new RangeError(`Cannot train on ${part.size} peers: the training frame has ${U} usable rows, fewer than the peers; use fewer peers or replicate_training_data`);
  s.rowOrder = (pass) => permutation(U, seed, pass).filter((r) => r % part.size === part.rank);
}

/**
 * After the ring changed (a peer lost or rejoined): with shards, every member takes its shard of
 * the new ring and starts a new shuffle pass over it at this iteration boundary, so the rows stay
 * split among the members that train, none twice and none left out. Replicated data is unchanged.
 */
export function reshard(s: TrainingSession, part: Part): void {
  if (part.replicate) return;
  useRows(s, part);
  s.pass++;
  s.cursor = 0;
}

/**
 * The samples a member trains per iteration after the ring went from `from` to `to` members: the
 * cluster's iteration keeps its size (its share grows when a peer is lost, shrinks when one
 * rejoins), except with −1 on replicated data, where every member trains a full pass whatever
 * their number (`perNode`).
 */
export function shareAfterChange(share: number, from: number, to: number, perNode: boolean): number {
  return perNode || from === to ? share : Math.max(1, Math.ceil((share * from) / to));
}

/** The parameters in one flat vector, by sorted name, and the way back. */
export async function flatState(s: TrainingSession): Promise<{ values: Float64Array; unflatten(v: Float64Array): Record<string, Float64Array> }> {
  const st = await s.readState();
  const names = Object.keys(st).sort();
  const values = new Float64Array(names.reduce((a, n) => a + st[n].length, 0));
  let o = 0;
  for (const n of names) {
    values.set(st[n], o);
    o += st[n].length;
  }
  return {
    values,
    unflatten(v) {
      const out: Record<string, Float64Array> = {};
      let k = 0;
      for (const n of names) {
        out[n] = v.slice(k, k + st[n].length);
        k += st[n].length;
      }
      return out;
    },
  };
}

/** Per-round figures, for logs and the benchmark. */
export interface RoundStats {
  readonly round: number;
  readonly peers: number;
  readonly bytesSent: number;
  readonly commMs: number;
  readonly iterationMs: number;
  readonly iterationSamples: number;
}

/** One participant's averaging state across rounds. */
export class Averager {
  round = 0;
  #base = 0;
  #iterStart = performance.now();
  readonly stats: RoundStats[] = [];

  constructor(readonly precision: 32 | 64, readonly timeoutMs: number, readonly autoTune: boolean, readonly targetRatio: number) {}

  /** Starts timing the first iteration. */
  begin(s: TrainingSession): void {
    this.#base = s.samples;
    this.#iterStart = performance.now();
  }

  /**
   * One round on `ring` (called again, with a later round number, after a loss). Returns the
   * result without touching the session; {@linkcode apply} writes it.
   */
  attempt(s: TrainingSession, ring: RingPosition, values: Float64Array): Promise<Averaged> {
    return ringAverage(ring, values, s.samples - this.#base, { round: this.round, precision: this.precision, timeoutMs: this.timeoutMs });
  }

  /** Writes the mean into the session, sums the sample counter, retunes −2. */
  apply(s: TrainingSession, a: Averaged, unflatten: (v: Float64Array) => Record<string, Float64Array>, commMs: number, peers: number): void {
    s.writeState(unflatten(a.mean));
    s.samples = this.#base + a.samples;
    this.#base = s.samples;
    const now = performance.now();
    const iterationMs = now - this.#iterStart;
    this.#iterStart = now;
    this.stats.push({ round: this.round, peers, bytesSent: a.bytesSent, commMs, iterationMs, iterationSamples: s.iterationSamples });
    // Spec §6.2's re-tuning, from the second iteration, when communication is measurable.
    if (this.autoTune && this.stats.length >= 2 && commMs > 10) {
      const corr = Math.min(2, Math.max(0.5, this.targetRatio / (commMs / Math.max(iterationMs - commMs, 1e-3))));
      if (corr < 0.8 || corr > 1.2) s.iterationSamples = Math.max(1, Math.round(s.iterationSamples / corr));
    }
  }
}
