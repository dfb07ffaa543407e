/**
 * The SIMD-CPU backend: WebAssembly SIMD kernels on one shared memory, trained HOGWILD! by
 * `threads` Workers that update the same weights without locks (booklet §5.2.3).
 *
 * - Weights are stored transposed (in × rows) so a sample touches only the rows of its live
 *   inputs; `write`/`read` convert from and to row-major (core/backend.ts).
 * - The fused trainer (assembly/fused.ts) runs H2O's per-sample loop, or its mini-batch form on
 *   blocked GEMMs, for the built-in plugins; anything else trains through the generic op-level
 *   path, whose plugin math runs as TypeScript over this memory: slower, same results.
 * - Float32 throughout; the reference backend (Float64) is the definition it is checked against.
 * @module
 */
import type {
  Backend, BoundRegularizer, Buf, BufRole, Dims, Elementwise, FusedNetwork, FusedTrainer, PackedRows, SoftmaxLoss,
} from "../../core/backend.ts";
import { linkInv } from "../../core/distribution.ts";
import { kernelsWasm } from "./_kernels_wasm.ts";
import { kernelImports } from "./host.ts";
import { ACTIVATIONS, C, DISTRIBUTIONS, dropThreshold, L, OPTIMIZERS, T } from "./layout.ts";
import { AutoMode, type ParallelMode, Replicas } from "./replicas.ts";

/**
 * A buffer in the shared memory: `ptr` is a byte offset. "weights" matrices are stored transposed
 * (in × rows) unless the fused trainer switched one to row-major for dense inputs (see fused.ts).
 */
export interface SimdBuf extends Buf {
  readonly ptr: number;
  transposed: boolean;
}

/** The kernels' exports. */
interface Kernels {
  train_rows(ctx: number, tctx: number, order: number, count: number, samples: number, pass: number, stride: number): number;
  refresh_norms(ctx: number): void;
  affine_t(X: number, Wt: number, b: number, Y: number, B: number, nIn: number, rows: number, scratch: number): void;
  affine_backward_t(dY: number, X: number, Wt: number, dX: number, dWt: number, db: number, B: number, nIn: number, rows: number, scale: number, scratch: number): void;
  affine_n(X: number, W: number, b: number, Y: number, B: number, nIn: number, rows: number, scratch: number): void;
  affine_backward_n(dY: number, X: number, W: number, dX: number, dW: number, db: number, B: number, nIn: number, rows: number, scale: number, scratch: number): void;
  softmax_rows(Z: number, P: number, B: number, width: number): void;
  gemm_scratch_bytes(M: number, N: number, K: number): number;
}

const PAGE = 65536;
const HEAP_START = 1 << 20; // the kernels' constant tables live below 1 MiB
const MAX_PAGES = 65536;

/**
 * First-fit allocator over the shared memory, growing it on demand. Blocks are 64-byte aligned
 * (a cache line), so two threads' scratch never share a line, and zeroed: a reused block must not
 * leak a previous owner's values into fields nobody writes.
 */
class Heap {
  readonly #free: { ptr: number; size: number }[] = [];
  #top = HEAP_START;
  constructor(readonly memory: WebAssembly.Memory) {}
  alloc(bytes: number): number {
    const size = Math.max(64, (bytes + 63) & ~63);
    for (let i = 0; i < this.#free.length; i++) {
      const f = this.#free[i];
      if (f.size < size) continue;
      const ptr = f.ptr;
      if (f.size === size) this.#free.splice(i, 1);
      else {
        f.ptr += size;
        f.size -= size;
      }
      new Uint8Array(this.memory.buffer, ptr, size).fill(0);
      return ptr;
    }
    const ptr = this.#top;
    this.#top += size;
    const need = Math.ceil(this.#top / PAGE) - this.memory.buffer.byteLength / PAGE;
    if (need > 0) {
      if (this.memory.buffer.byteLength / PAGE + need > MAX_PAGES) {
        throw new RangeError(`Cannot allocate ${size} bytes: the SIMD backend's memory would pass 4 GiB`);
      }
      this.memory.grow(need);
    }
    new Uint8Array(this.memory.buffer, ptr, size).fill(0); // may be a block freed at the top before
    return ptr;
  }
  free(ptr: number, bytes: number): void {
    const size = Math.max(64, (bytes + 63) & ~63);
    if (ptr + size === this.#top) {
      this.#top = ptr;
      // Also give back a free block now at the top.
      const last = this.#free.findIndex((f) => f.ptr + f.size === this.#top);
      if (last >= 0) {
        this.#top = this.#free[last].ptr;
        this.#free.splice(last, 1);
      }
      return;
    }
    this.#free.push({ ptr, size });
    this.#free.sort((a, b) => a.ptr - b.ptr);
    for (let i = 0; i + 1 < this.#free.length; i++) {
      const a = this.#free[i], b = this.#free[i + 1];
      if (a.ptr + a.size === b.ptr) {
        a.size += b.size;
        this.#free.splice(i + 1, 1);
        i--;
      }
    }
  }
}

let compiled: Promise<WebAssembly.Module> | null = null;

/** The kernels compiled once per process. */
export function kernelsModule(): Promise<WebAssembly.Module> {
  return (compiled ??= WebAssembly.compile(kernelsWasm as BufferSource));
}

// The smallest module that uses a v128 instruction: validates only where SIMD128 exists.
const SIMD_PROBE = new Uint8Array([0, 97, 115, 109, 1, 0, 0, 0, 1, 5, 1, 96, 0, 1, 123, 3, 2, 1, 0, 10, 22, 1, 20, 0, 253, 12, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 11]);

/** The Worker entry's URL (listed as an extra entrypoint of the compiled binary). */
const WORKER_URL = new URL("./worker.ts", import.meta.url).href;

/** Creates the SIMD backend (`init()` compiles the kernels). */
export function simdBackend(): Backend {
  let memory: WebAssembly.Memory;
  let heap: Heap;
  let k: Kernels;
  let module: WebAssembly.Module;
  let f32 = new Float32Array(0), i32 = new Int32Array(0);
  let scratch = 0, scratchBytes = 0;
  let reason: string | undefined;
  const views = () => {
    if (f32.buffer !== memory.buffer || f32.length * 4 !== memory.buffer.byteLength) {
      f32 = new Float32Array(memory.buffer);
      i32 = new Int32Array(memory.buffer);
    }
  };
  const ptrOf = (b: Buf) => (b as SimdBuf).ptr;
  const gemmScratch = (M: number, N: number, K: number) => {
    const need = k.gemm_scratch_bytes(M, N, K);
    if (need > scratchBytes) {
      if (scratch) heap.free(scratch, scratchBytes);
      scratchBytes = Math.max(need, 1 << 16);
      scratch = heap.alloc(scratchBytes);
    }
    return scratch;
  };
  /** Storage index of logical element (r, c) of a buffer. */
  const at = (b: SimdBuf, idx: number): number => {
    if (!b.transposed) return idx;
    const cols = b.shape![1], rows = b.shape![0];
    const r = Math.floor(idx / cols), c = idx - r * cols;
    return c * rows + r;
  };

  const backend: Backend = {
    name: "simd",
    summary: "WebAssembly SIMD kernels, HOGWILD! across Workers on one shared memory (Float32)",
    precision: 32,
    priority: 10,
    get unavailableReason() {
      return reason;
    },
    async init() {
      try {
        if (typeof SharedArrayBuffer === "undefined") throw new Error("SharedArrayBuffer is unavailable");
        if (!WebAssembly.validate(SIMD_PROBE)) throw new Error("WebAssembly SIMD is unavailable");
        module = await kernelsModule();
        memory = new WebAssembly.Memory({ initial: 256, maximum: MAX_PAGES, shared: true });
        const inst = await WebAssembly.instantiate(module, kernelImports(memory));
        k = inst.exports as unknown as Kernels;
        heap = new Heap(memory);
        views();
        return true;
      } catch (e) {
        reason = (e as Error).message;
        return false;
      }
    },

    alloc(length, shape, role: BufRole = "data") {
      if (shape && shape[0] * shape[1] !== length) throw new RangeError(`Cannot allocate: shape ${shape} does not hold ${length} values`);
      const ptr = heap.alloc(length * 4);
      return { length, shape, ptr, transposed: role === "weights" && !!shape } as SimdBuf;
    },
    free(b) {
      heap.free(ptrOf(b), b.length * 4);
    },
    write(dst, src, offset = 0) {
      views();
      const b = dst as SimdBuf;
      if (offset + src.length > b.length) throw new RangeError(`Cannot write ${src.length} values at ${offset} into a buffer of ${b.length}`);
      const base = b.ptr >> 2;
      if (!b.transposed) {
        for (let i = 0; i < src.length; i++) f32[base + offset + i] = src[i];
      } else {
        for (let i = 0; i < src.length; i++) f32[base + at(b, offset + i)] = src[i];
      }
    },
    read(src) {
      views();
      const b = src as SimdBuf;
      const base = b.ptr >> 2;
      const out = new Float64Array(b.length);
      for (let i = 0; i < b.length; i++) out[i] = f32[base + at(b, i)];
      return Promise.resolve(out);
    },
    fill(dst, value) {
      views();
      const b = dst as SimdBuf;
      f32.fill(value, b.ptr >> 2, (b.ptr >> 2) + b.length);
    },

    affine(X, W, b, Y, { batch, in: nIn, out }: Dims) {
      const s = gemmScratch(Math.max(batch, nIn), Math.max(out, nIn), Math.max(nIn, out, batch));
      (layoutOf(W) ? k.affine_t : k.affine_n)(ptrOf(X), ptrOf(W), ptrOf(b), ptrOf(Y), batch, nIn, out, s);
    },
    affineBackward(dY, X, W, { dX, dW, db }, { batch, in: nIn, out, scale }) {
      const t = layoutOf(W);
      if (layoutOf(dW) !== t) throw new TypeError("SIMD backend: dW must share W's layout (allocate both with role \"weights\")");
      const s = gemmScratch(Math.max(batch, nIn), Math.max(out, nIn), Math.max(nIn, out, batch));
      (t ? k.affine_backward_t : k.affine_backward_n)(ptrOf(dY), ptrOf(X), ptrOf(W), dX ? ptrOf(dX) : 0, ptrOf(dW), ptrOf(db), batch, nIn, out, scale, s);
    },
    map(op: Elementwise, ins, outs, n) {
      views();
      // The row of storage element i: weights matrices are stored transposed (in × rows).
      const out = outs[0] as SimdBuf;
      const rows = out.shape?.[0] ?? n, cols = out.shape?.[1] ?? 1;
      const rowOf = out.transposed ? (i: number) => i % rows : (i: number) => Math.floor(i / cols);
      const layouts = op.kind === "update" ? [out.transposed, (ins[1] as SimdBuf).transposed] : null;
      runMap({ ...op, layouts } as Elementwise & { layouts: boolean[] | null }, ins.map((b) => (b as SimdBuf).ptr >> 2), outs.map((b) => (b as SimdBuf).ptr >> 2), n, f32, rowOf);
    },
    softmax(Z, P, batch, width) {
      k.softmax_rows(ptrOf(Z), ptrOf(P), batch, width);
    },
    softmaxGrad(P, Tb, E, batch, width, loss: SoftmaxLoss) {
      views();
      const p = ptrOf(P) >> 2, t = ptrOf(Tb) >> 2, e = ptrOf(E) >> 2;
      for (let r = 0; r < batch; r++) {
        const o = r * width;
        let dot = 0;
        if (loss === "Quadratic") for (let c = 0; c < width; c++) dot += (f32[p + o + c] - f32[t + o + c]) * f32[p + o + c];
        for (let c = 0; c < width; c++) {
          const pc = f32[p + o + c], tc = f32[t + o + c];
          f32[e + o + c] = loss === "CrossEntropy" ? pc - tc : pc * (pc - tc - dot);
        }
      }
    },
    channelMax(Z, A, batch, units, channels) {
      views();
      const z = ptrOf(Z) >> 2, a = ptrOf(A) >> 2;
      for (let i = 0; i < batch * units; i++) {
        let m = f32[z + i * channels];
        for (let q = 1; q < channels; q++) m = Math.max(m, f32[z + i * channels + q]);
        f32[a + i] = m;
      }
    },
    channelMaxGrad(Z, E, G, batch, units, channels, won) {
      views();
      const z = ptrOf(Z) >> 2, e = ptrOf(E) >> 2, g = ptrOf(G) >> 2, w = won ? ptrOf(won) >> 2 : -1;
      if (w >= 0) f32.fill(0, w, w + units * channels);
      for (let i = 0; i < batch * units; i++) {
        let win = 0;
        for (let q = 1; q < channels; q++) if (f32[z + i * channels + q] > f32[z + i * channels + win]) win = q;
        for (let q = 0; q < channels; q++) f32[g + i * channels + q] = q === win ? f32[e + i] : 0;
        if (w >= 0) f32[w + (i % units) * channels + win] = 1;
      }
    },
    constrainRows(W, touched, rows, cols, c: BoundRegularizer) {
      views();
      const w = W as SimdBuf, base = w.ptr >> 2, t = touched ? ptrOf(touched) >> 2 : -1;
      const idx = (r: number, i: number) => base + (w.transposed ? i * rows + r : r * cols + i);
      for (let r = 0; r < rows; r++) {
        if (t >= 0 && f32[t + r] === 0) continue;
        let s = 0;
        for (let i = 0; i < cols; i++) s += f32[idx(r, i)] ** 2;
        const f = c.regularizer.constrain!(s, c.params);
        if (f !== 1) for (let i = 0; i < cols; i++) f32[idx(r, i)] *= f;
      }
    },

    fused(net) {
      const kinds = fusedKinds(net);
      if (!kinds) return undefined;
      return new SimdTrainer(net, kinds, { memory, module, heap, k, views: () => (views(), { f32, i32 }) });
    },
  };
  return backend;
}

/** True when a weight matrix is stored transposed; throws for a buffer that is no matrix. */
function layoutOf(b: Buf): boolean {
  if (!b.shape) throw new TypeError("SIMD backend: weight matrices must be allocated with a shape and role \"weights\"");
  return (b as SimdBuf).transposed;
}

/** Element-wise kernels over Float32 memory, calling the plugin's TypeScript math (the generic path). */
function runMap(op: Elementwise & { layouts?: boolean[] | null }, ins: number[], outs: number[], n: number, f: Float32Array, rowOf: (i: number) => number): void {
  const o = outs[0];
  switch (op.kind) {
    case "activate":
      for (let i = 0; i < n; i++) f[o + i] = op.activation.f(f[ins[0] + i]);
      return;
    case "activateGrad":
      for (let i = 0; i < n; i++) f[o + i] = f[ins[2] + i] * op.activation.df(f[ins[0] + i], f[ins[1] + i]);
      return;
    case "mul":
      for (let i = 0; i < n; i++) f[o + i] = f[ins[0] + i] * f[ins[1] + i];
      return;
    case "scale":
      for (let i = 0; i < n; i++) f[o + i] = f[ins[0] + i] * op.factor;
      return;
    case "outputGrad": {
      const d = op.distribution;
      for (let i = 0; i < n; i++) f[o + i] = d.gradient(f[ins[1] + i], linkInv(d.link, f[ins[0] + i]), op.params);
      return;
    }
    case "update": {
      if (op.layouts && op.layouts[0] !== op.layouts[1]) throw new TypeError("SIMD backend: a parameter and its gradient must share one layout");
      const [p, dp] = ins;
      const k = op.optimizer.slots;
      const s = new Float64Array(k);
      const mask = op.rowMask ? (op.rowMask as SimdBuf).ptr >> 2 : -1;
      for (let i = 0; i < n; i++) {
        const g = f[dp + i];
        if ((op.skipZero && g === 0) || (mask >= 0 && f[mask + rowOf(i)] === 0)) {
          f[o + i] = f[p + i];
          for (let j = 0; j < k; j++) f[outs[1 + j] + i] = f[ins[2 + j] + i];
          continue;
        }
        const w = f[p + i];
        let gamma = g;
        for (const t of op.terms) gamma += t.regularizer.gradient!(w, t.params);
        for (let j = 0; j < k; j++) s[j] = f[ins[2 + j] + i];
        f[o + i] = op.optimizer.step(w, gamma, s, op.params);
        for (let j = 0; j < k; j++) f[outs[1 + j] + i] = s[j];
      }
      return;
    }
  }
}

/** Kernel codes for plugin math without a fast body, called on the host (host.ts): activation, distribution. */
export const ACT_HOST = 3, DIST_HOST = 7;

/**
 * Kernel codes for a network, or null when some plugin has no fast body here. A one-channel
 * activation, or a regression distribution, without one still trains fused: the kernels call its
 * math (ACT_HOST, DIST_HOST) on the main thread, since a Worker cannot be handed a plugin's
 * functions. A classification distribution needs none (the softmax head's error is fixed).
 */
function fusedKinds(net: FusedNetwork): { act: number; dist: number; opt: number } | null {
  const act = ACTIVATIONS[net.activation.fastBody ?? ""] ?? ((net.activation.channels ?? 1) === 1 ? ACT_HOST : undefined);
  const opt = OPTIMIZERS[net.optimizer.fastBody ?? ""];
  const dist = net.output === "softmax" ? 0 : DISTRIBUTIONS[net.distribution.fastBody ?? ""] ?? DIST_HOST;
  if (act === undefined || opt === undefined || dist === undefined) return null;
  // A softmax head's error is p − y whatever the distribution (plugins/load.ts checks a
  // classification plugin's gradient is exactly that), so it needs no body of its own.
  // An autoencoder's output uses the hidden activation: Tanh or Rectifier here; sparsity runs on the generic path.
  if (net.output === "reconstruct" && (act === 2 || act === ACT_HOST || net.sparsity)) return null;
  if ((net.activation.channels ?? 1) !== (act === 2 ? 2 : 1)) return null;
  if (act === 2 && !net.skipZero) return null; // Maxout without fast_mode: the generic path masks losing channels
  if (!net.terms.every((t) => t.regularizer.fastBody === "l1" || t.regularizer.fastBody === "l2")) return null;
  if (!net.constraints.every((t) => t.regularizer.fastBody === "max_w2")) return null;
  if (!net.state.W.every((w) => typeof (w as SimdBuf).ptr === "number")) return null;
  return { act, dist, opt };
}

interface Shared {
  readonly memory: WebAssembly.Memory;
  readonly module: WebAssembly.Module;
  readonly heap: Heap;
  readonly k: Kernels;
  views(): { f32: Float32Array; i32: Int32Array };
}

/** A worker and its pending call. */
interface Thread {
  readonly worker: Worker;
  readonly tctx: number;
  pending: ((n: number) => void) | null;
  failed: ((e: Error) => void) | null;
}

/** HOGWILD! trainer: `threads` Workers run the fused kernel over their share of each slice. */
class SimdTrainer implements FusedTrainer {
  readonly #net: FusedNetwork;
  readonly #s: Shared;
  readonly #allocs: [number, number][] = [];
  readonly #ctx: number;
  readonly #threads: Thread[] = [];
  readonly #ready: Promise<void>;
  /** Host math: the kernels instantiated on this thread with the plugin's math bound, and its scratch. */
  #local: { run: Kernels["train_rows"] | null; readonly tctx: number } | null = null;
  #order = 0;
  #orderCap = 0;
  #dataAllocs: [number, number][] = [];
  #hasData = false;
  /** parallel_mode average/auto: the replicas of threads 1 … n−1, the mode of the last call, auto's probe. */
  readonly #replicas: Replicas | null = null;
  #mode: ParallelMode = "hogwild";
  readonly #auto: AutoMode | null = null;

  constructor(net: FusedNetwork, kinds: { act: number; dist: number; opt: number }, shared: Shared) {
    this.#net = net;
    this.#s = shared;
    const L1 = net.units.length - 1;
    this.#ctx = this.#alloc((C.LAYER0 + L1 * C.LAYER_SIZE) * 4);
    this.#writeContext(kinds);
    // Host math runs on this thread: a Worker cannot be handed the plugin's functions.
    const host = kinds.act === ACT_HOST || kinds.dist === DIST_HOST;
    const n = host ? 1 : Math.max(1, net.threads);
    const starts: Promise<void>[] = [];
    if (host) {
      const local = (this.#local = { run: null as Kernels["train_rows"] | null, tctx: this.#threadScratch() });
      const math = {
        activation: kinds.act === ACT_HOST ? net.activation : undefined,
        distribution: kinds.dist === DIST_HOST ? { distribution: net.distribution, params: net.distributionParams } : undefined,
      };
      starts.push(WebAssembly.instantiate(shared.module, kernelImports(shared.memory, math)).then((inst) => {
        local.run = (inst.exports as unknown as Kernels).train_rows;
      }));
    }
    for (let t = 0; t < n && !this.#local; t++) {
      const tctx = this.#threadScratch();
      const worker = new Worker(WORKER_URL, { type: "module" });
      const thread: Thread = { worker, tctx, pending: null, failed: null };
      starts.push(new Promise<void>((resolve, reject) => {
        worker.onmessage = (e: MessageEvent) => {
          const d = e.data as { ready?: true; done?: number; error?: string };
          if (d.ready) return resolve();
          if (d.error !== undefined) {
            const err = new Error(`SIMD worker failed: ${d.error}`);
            thread.failed?.(err);
            return reject(err);
          }
          const p = thread.pending;
          thread.pending = null;
          thread.failed = null;
          p?.(d.done!);
        };
        worker.onerror = (e: ErrorEvent) => {
          const err = new Error(`SIMD worker failed: ${e.message}`);
          thread.failed?.(err);
          reject(err);
        };
      }));
      worker.postMessage({ module: shared.module, memory: shared.memory });
      this.#threads.push(thread);
    }
    this.#ready = Promise.all(starts).then(() => {});
    const parallel = net.parallel ?? "hogwild";
    // Every head averages alike: a replica's context keeps the data pointers, so an autoencoder's
    // reconstruct head reads its targets (the loaded rows) from its own copy of the context.
    if (n > 1 && parallel !== "hogwild") {
      const s = this.#s;
      this.#replicas = new Replicas({ alloc: (b) => this.#alloc(b), views: () => s.views() }, this.#ctx, L1, n - 1);
      this.#mode = "average";
      if (parallel === "auto") this.#auto = new AutoMode(n);
    }
  }

  /** Threads it trains on: 1 with host math, else the network's `threads`. */
  get threads(): number {
    return this.#local ? 1 : Math.max(1, this.#net.threads);
  }

  get parallelNote(): string | undefined {
    if (!this.#replicas) return undefined;
    return this.#auto ? (this.#auto.note ?? this.#auto.undecided()) : undefined;
  }

  average(): void {
    this.#replicas?.merge();
  }

  #alloc(bytes: number, list = this.#allocs): number {
    const p = this.#s.heap.alloc(bytes);
    list.push([p, bytes]);
    return p;
  }

  #writeContext(kinds: { act: number; dist: number; opt: number }): void {
    const net = this.#net, { f32, i32 } = this.#s.views();
    const c = this.#ctx >> 2;
    const L1 = net.units.length - 1;
    const op = net.optimizerParams;
    const maxw2 = net.constraints.find((t) => t.regularizer.fastBody === "max_w2");
    const term = (name: string) => net.terms.find((t) => t.regularizer.fastBody === name)?.params[name] as number | undefined;
    i32[c + C.LAYERS] = L1;
    i32[c + C.ACT] = kinds.act;
    i32[c + C.CHANNELS] = net.activation.channels ?? 1;
    i32[c + C.OUTPUT] = net.output === "softmax" ? (net.softmaxLoss === "CrossEntropy" ? 0 : 1) : net.output === "reconstruct" ? 3 : 2;
    i32[c + C.DIST] = kinds.dist;
    i32[c + C.OPT] = kinds.opt;
    f32[c + C.RHO] = op.rho ?? 0;
    f32[c + C.EPS] = op.epsilon ?? 0;
    f32[c + C.RATE] = op.rate ?? 0;
    f32[c + C.ANNEAL] = op.rate_annealing ?? 0;
    f32[c + C.DECAY] = op.rate_decay ?? 1;
    f32[c + C.MOM0] = op.momentum_start ?? 0;
    f32[c + C.RAMP] = op.momentum_ramp ?? 0;
    f32[c + C.MOM1] = op.momentum_stable ?? 0;
    f32[c + C.L1] = term("l1") ?? 0;
    f32[c + C.L2] = term("l2") ?? 0;
    f32[c + C.MAXW2] = maxw2 ? (maxw2.params.max_w2 as number) : 0;
    i32[c + C.SKIP] = net.skipZero ? 1 : 0;
    i32[c + C.SEED0] = net.seed[0] | 0;
    i32[c + C.SEED1] = net.seed[1] | 0;
    i32[c + C.BATCH] = net.miniBatch;
    i32[c + C.N0] = net.units[0];
    i32[c + C.IN_DROP] = dropThreshold(net.dropout[0]);
    const channels = net.activation.channels ?? 1;
    for (let m = 0; m < L1; m++) {
      const l = c + C.LAYER0 + m * C.LAYER_SIZE;
      const hidden = m + 1 < L1;
      const rows = net.units[m + 1] * (hidden ? channels : 1);
      const ptr = (b: Buf | undefined) => (b ? (b as SimdBuf).ptr : 0);
      i32[l + L.IN] = net.units[m];
      i32[l + L.UNITS] = net.units[m + 1];
      i32[l + L.ROWS] = rows;
      i32[l + L.W] = ptr(net.state.W[m]);
      i32[l + L.B] = ptr(net.state.b[m]);
      i32[l + L.SW0] = ptr(net.state.slotsW[m][0]);
      i32[l + L.SW1] = ptr(net.state.slotsW[m][1]);
      i32[l + L.SB0] = ptr(net.state.slotsB[m][0]);
      i32[l + L.SB1] = ptr(net.state.slotsB[m][1]);
      i32[l + L.DROP] = hidden ? dropThreshold(net.dropout[m + 1]) : 0;
      i32[l + L.NORM] = maxw2 ? this.#alloc(rows * 4) : 0;
    }
    this.#refreshDistribution();
  }

  // Huber's δ is re-estimated at every scoring event; the kernels read it from the context.
  #refreshDistribution(): void {
    const { f32 } = this.#s.views();
    const p = this.#net.distributionParams;
    const name = this.#net.distribution.fastBodyParams?.[0];
    f32[(this.#ctx >> 2) + C.DIST_A] = name === undefined ? 0 : p[name] ?? 0;
  }

  /** One thread's scratch records (level ℓ = 0 … L+1). */
  #threadScratch(): number {
    const net = this.#net, L1 = net.units.length - 1, B = Math.max(1, net.miniBatch);
    const channels = net.activation.channels ?? 1;
    const tctx = this.#alloc((L1 + 1) * T.SIZE * 4);
    const { i32 } = this.#s.views();
    const f = (l: number, field: number, bytes: number) => {
      const p = this.#alloc(Math.max(16, bytes));
      this.#s.views().i32[(tctx >> 2) + l * T.SIZE + field] = p;
    };
    for (let l = 0; l <= L1; l++) {
      const units = net.units[l];
      const rows = l === 0 ? units : units * (l < L1 ? channels : 1);
      f(l, T.LIST, units * 4);
      f(l, T.VAL, units * 4);
      f(l, T.WIN, units * 4);
      f(l, T.Z, B * rows * 4);
      f(l, T.E, B * units * 4);
      f(l, T.G, B * rows * 4);
      f(l, T.A, B * units * 4);
      f(l, T.M, B * units * 4);
      f(l, T.DENSE, units * 4);
      if (l >= 1) {
        f(l, T.DW, B > 1 ? net.units[l - 1] * rows * 4 : 16);
        f(l, T.DB, rows * 4);
      }
    }
    let gemm = 16;
    if (B > 1) {
      for (let m = 0; m < L1; m++) {
        const rows = net.units[m + 1] * (m + 1 < L1 ? channels : 1), nIn = net.units[m];
        gemm = Math.max(gemm, this.#s.k.gemm_scratch_bytes(B, rows, nIn), this.#s.k.gemm_scratch_bytes(B, nIn, rows), this.#s.k.gemm_scratch_bytes(nIn, rows, B));
      }
    }
    f(0, T.GEMM, gemm);
    void i32;
    return tctx;
  }

  load(rows: PackedRows): void {
    for (const [p, n] of this.#dataAllocs) this.#s.heap.free(p, n);
    this.#dataAllocs = [];
    const put = (src: ArrayLike<number>, kind: "f32" | "i32") => {
      const p = this.#alloc(src.length * 4, this.#dataAllocs);
      const { f32, i32 } = this.#s.views();
      (kind === "f32" ? f32 : i32).set(src, p >> 2);
      return p;
    };
    const { i32 } = this.#s.views();
    const c = this.#ctx >> 2;
    if (rows.width !== this.#net.units[0]) throw new RangeError(`Cannot load rows: ${rows.width} inputs, the network has ${this.#net.units[0]}`);
    // Dense inputs have no zeros to skip: store layer 0 row-major so inactive units are skipped instead.
    this.#setLayer0RowMajor(rows.dense !== null);
    const dense = rows.dense ? put(rows.dense, "f32") : 0;
    const indptr = rows.csr ? put(rows.csr.indptr, "i32") : 0;
    const index = rows.csr ? put(rows.csr.index, "i32") : 0;
    const value = rows.csr ? put(rows.csr.value, "f32") : 0;
    const target = put(rows.target, "f32");
    const weight = rows.weight ? put(rows.weight, "f32") : 0;
    const offset = rows.offset ? put(rows.offset, "f32") : 0;
    const v = this.#s.views().i32;
    v[c + C.DENSE] = dense;
    v[c + C.INDPTR] = indptr;
    v[c + C.INDEX] = index;
    v[c + C.VALUE] = value;
    v[c + C.TARGET] = target;
    v[c + C.WEIGHT] = weight;
    v[c + C.OFFSET] = offset;
    void i32;
    this.#hasData = true;
  }

  /** Switches W[0] and its slots between transposed and row-major storage (values unchanged). */
  #setLayer0RowMajor(rowMajor: boolean): void {
    const net = this.#net;
    const bufs = [net.state.W[0], ...net.state.slotsW[0]] as SimdBuf[];
    const rows = bufs[0].shape![0], cols = bufs[0].shape![1];
    for (const b of bufs) {
      if (b.transposed === !rowMajor) continue;
      const { f32 } = this.#s.views();
      const base = b.ptr >> 2;
      const copy = f32.slice(base, base + b.length);
      // transposed: element (r, i) at i·rows + r; row-major: at r·cols + i
      for (let r = 0; r < rows; r++) {
        for (let i = 0; i < cols; i++) {
          if (rowMajor) f32[base + r * cols + i] = copy[i * rows + r];
          else f32[base + i * rows + r] = copy[r * cols + i];
        }
      }
      b.transposed = !rowMajor;
    }
    const { i32 } = this.#s.views();
    i32[(this.#ctx >> 2) + C.LAYER0 + L.ROWMAJOR] = rowMajor ? 1 : 0;
  }

  async train(order: Int32Array, ctx: { samples: number; pass: number }): Promise<number> {
    if (!this.#hasData) throw new Error("SIMD trainer: load() rows before train()");
    await this.#ready;
    if (order.length > this.#orderCap) {
      if (this.#order) this.#s.heap.free(this.#order, this.#orderCap * 4);
      this.#orderCap = Math.max(order.length, 1024);
      this.#order = this.#s.heap.alloc(this.#orderCap * 4);
    }
    this.#s.views().i32.set(order, this.#order >> 2);
    this.#refreshDistribution();
    const mode = this.#auto ? this.#auto.next() : this.#mode;
    if (mode !== this.#mode) this.#replicas!.merge(); // a switch keeps what the replicas learnt
    this.#mode = mode;
    const replicas = mode === "average" ? this.#replicas : null;
    replicas?.prepare();
    if (this.#net.constraints.length) for (const c of replicas ? replicas.contexts() : [this.#ctx]) this.#s.k.refresh_norms(c);
    const t0 = performance.now();
    if (this.#local) return this.#local.run!(this.#ctx, this.#local.tctx, this.#order, order.length, ctx.samples, ctx.pass, 1);
    const n = this.#threads.length, B = Math.max(1, this.#net.miniBatch);
    // Contiguous shares, whole mini-batches each.
    const batches = Math.ceil(order.length / B);
    const runs: Promise<number>[] = [];
    for (let t = 0; t < n; t++) {
      const from = Math.min(order.length, Math.floor((t * batches) / n) * B);
      const to = Math.min(order.length, Math.floor(((t + 1) * batches) / n) * B);
      if (to <= from) continue;
      const th = this.#threads[t];
      runs.push(new Promise<number>((resolve, reject) => {
        th.pending = (k: number) => (replicas?.trained(t, k), resolve(k));
        th.failed = reject;
        // Threads interleave: thread t's k-th batch stands at global batch k·n + t for schedules.
        th.worker.postMessage({ ctx: replicas ? replicas.ctxOf(t) : this.#ctx, tctx: th.tctx, order: this.#order + from * 4, count: to - from, samples: ctx.samples + t * B, pass: ctx.pass, stride: n });
      }));
    }
    const done = (await Promise.all(runs)).reduce((a, b) => a + b, 0);
    this.#auto?.record(mode, done, performance.now() - t0);
    return done;
  }

  close(): void {
    this.#replicas?.merge(); // nothing a replica learnt is dropped, even without a last average()
    // Give the state back in the layout every "weights" matrix of its shape shares (transposed).
    if (this.#hasData) this.#setLayer0RowMajor(false);
    for (const t of this.#threads) t.worker.terminate();
    this.#threads.length = 0;
    for (const [p, n] of [...this.#allocs, ...this.#dataAllocs]) this.#s.heap.free(p, n);
    if (this.#order) this.#s.heap.free(this.#order, this.#orderCap * 4);
    this.#allocs.length = 0;
    this.#dataAllocs = [];
    this.#order = 0;
  }
}
