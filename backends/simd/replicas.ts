/**
 * `parallel_mode` "average" on the SIMD backend: every Worker but the first trains its own
 * replica of the parameters (weights, biases and optimizer slots) in the shared memory, so no two
 * threads write the same cache lines; at each iteration boundary the replicas are merged into the
 * model, each weighted by the samples it trained, as H2O averages its nodes (booklet §5.2.3; the
 * optimizer state too, spec Q16). Thread 0 trains the model's own buffers.
 *
 * A replica is a copy of the model's storage, byte for byte, with its own kernel context (the
 * master context with the parameter pointers swapped): layouts (layer 0 row-major or not) follow
 * the model's, and averaging is element-wise over storage, so it needs no layout at all.
 * @module
 */
import { C, L } from "./layout.ts";

/** What the replicas need from the backend. */
export interface ReplicaHost {
  /** Memory the trainer frees when it closes. */
  alloc(bytes: number): number;
  views(): { f32: Float32Array; i32: Int32Array };
}

const PARAM_FIELDS = [L.W, L.B, L.SW0, L.SW1, L.SB0, L.SB1] as const;

/** One replica: its context and, per parameter buffer, [model ptr, replica ptr, floats]. */
interface Replica {
  readonly ctx: number;
  readonly bufs: [number, number, number][];
  readonly norms: [number, number][];
}

/** The replicas of threads 1 … n−1 of one trainer. */
export class Replicas {
  readonly #host: ReplicaHost;
  readonly #ctx: number;
  readonly #ctxWords: number;
  readonly #list: Replica[] = [];
  /** Samples each thread (0 = the model's own buffers) trained since the last merge. */
  readonly #trained: number[];
  /** The replicas must be copied from the model before they train again. */
  #stale = true;

  /** @param ctx the model's kernel context; @param layers its layer count; @param count threads − 1 */
  constructor(host: ReplicaHost, ctx: number, layers: number, count: number) {
    this.#host = host;
    this.#ctx = ctx;
    this.#ctxWords = C.LAYER0 + layers * C.LAYER_SIZE;
    this.#trained = new Array(count + 1).fill(0);
    const { i32 } = host.views();
    for (let r = 0; r < count; r++) {
      const rctx = host.alloc(this.#ctxWords * 4);
      const bufs: [number, number, number][] = [], norms: [number, number][] = [];
      for (let m = 0; m < layers; m++) {
        const l = (ctx >> 2) + C.LAYER0 + m * C.LAYER_SIZE;
        const rows = i32[l + L.ROWS], nIn = i32[l + L.IN];
        for (const f of PARAM_FIELDS) {
          const ptr = i32[l + f];
          if (!ptr) continue;
          const floats = f === L.W || f === L.SW0 || f === L.SW1 ? rows * nIn : rows;
          bufs.push([ptr, host.alloc(floats * 4), floats]);
        }
        if (i32[l + L.NORM]) norms.push([m, host.alloc(rows * 4)]);
      }
      this.#list.push({ ctx: rctx, bufs, norms });
    }
  }

  /** Kernel context of thread t. */
  ctxOf(t: number): number {
    return t === 0 ? this.#ctx : this.#list[t - 1].ctx;
  }

  /** Every context (for per-context kernel calls such as max_w2's row norms). */
  contexts(): number[] {
    return [this.#ctx, ...this.#list.map((r) => r.ctx)];
  }

  /**
   * Before each training call: each replica's context follows the model's (data pointers,
   * layouts, Huber's δ), and after a merge (or a change of the model from outside: a restore,
   * initial weights) the replicas start again from the model.
   */
  prepare(): void {
    const { f32, i32 } = this.#host.views();
    const c = this.#ctx >> 2;
    for (const r of this.#list) {
      const rc = r.ctx >> 2;
      i32.copyWithin(rc, c, c + this.#ctxWords);
      let k = 0;
      const layers = (this.#ctxWords - C.LAYER0) / C.LAYER_SIZE;
      for (let m = 0; m < layers; m++) {
        const l = C.LAYER0 + m * C.LAYER_SIZE;
        for (const f of PARAM_FIELDS) if (i32[c + l + f]) i32[rc + l + f] = r.bufs[k++][1];
      }
      for (const [m, ptr] of r.norms) i32[rc + C.LAYER0 + m * C.LAYER_SIZE + L.NORM] = ptr;
      if (this.#stale) for (const [src, dst, n] of r.bufs) f32.copyWithin(dst >> 2, src >> 2, (src >> 2) + n);
    }
    this.#stale = false;
  }

  /** Records that thread t trained `samples` samples. */
  trained(t: number, samples: number): void {
    this.#trained[t] += samples;
  }

  /**
   * Merges the replicas into the model: each element becomes the sample-weighted mean over the
   * threads that trained since the last merge. The replicas restart from it at the next call.
   */
  merge(): void {
    const w = this.#trained, total = w.reduce((a, b) => a + b, 0);
    if (total > 0 && w[0] !== total) {
      const { f32 } = this.#host.views();
      const a0 = w[0] / total;
      const parts = this.#list.map((r, i) => ({ r, a: w[i + 1] / total })).filter((x) => x.a > 0);
      const nb = this.#list[0].bufs.length;
      for (let b = 0; b < nb; b++) {
        const [src, , n] = this.#list[0].bufs[b];
        const m = src >> 2;
        for (let i = 0; i < n; i++) f32[m + i] *= a0;
        for (const { r, a } of parts) {
          const q = r.bufs[b][1] >> 2;
          for (let i = 0; i < n; i++) f32[m + i] += a * f32[q + i];
        }
      }
    }
    this.#trained.fill(0);
    this.#stale = true;
  }
}

/** A thread-sharing mode the trainer can run. */
export type ParallelMode = "hogwild" | "average";

/**
 * `parallel_mode` "auto": the first training calls alternate between hogwild and average and are
 * timed; once each mode has run at least twice and for at least `minMs` in all, the faster one
 * (samples per millisecond) is kept for the rest of the run.
 */
export class AutoMode {
  readonly #ms = { hogwild: 0, average: 0 };
  readonly #samples = { hogwild: 0, average: 0 };
  readonly #calls = { hogwild: 0, average: 0 };
  #chosen: ParallelMode | null = null;
  note: string | undefined;

  constructor(readonly threads: number, readonly minMs = 400, readonly maxCalls = 16) {}

  /** The mode of the next call. */
  next(): ParallelMode {
    if (this.#chosen) return this.#chosen;
    return this.#calls.hogwild <= this.#calls.average ? "hogwild" : "average";
  }

  /** Records a timed call and decides once both modes are measured well enough. */
  record(mode: ParallelMode, samples: number, ms: number): void {
    if (this.#chosen) return;
    this.#ms[mode] += ms;
    this.#samples[mode] += samples;
    this.#calls[mode]++;
    const enough = (m: ParallelMode) => this.#calls[m] >= 2 && this.#ms[m] >= this.minMs / 2;
    if (!(enough("hogwild") && enough("average")) && this.#calls.hogwild + this.#calls.average < this.maxCalls) return;
    const rate = (m: ParallelMode) => this.#samples[m] / Math.max(this.#ms[m], 1e-3) * 1000;
    this.#chosen = rate("average") >= rate("hogwild") ? "average" : "hogwild";
    const fmt = (m: ParallelMode) => `${m} ${Math.round(rate(m)).toLocaleString("en-US")} samples/s`;
    this.note = `parallel_mode auto chose ${this.#chosen} on ${this.threads} threads (measured ${fmt(this.#chosen)}, ${fmt(this.#chosen === "average" ? "hogwild" : "average")})`;
  }

  /** The measurements so far, when the run ends before a choice. */
  undecided(): string {
    return `parallel_mode auto: training ended before both modes were measured (${this.#calls.hogwild} hogwild and ${this.#calls.average} average calls); it ran as hogwild and average alternately`;
  }
}
