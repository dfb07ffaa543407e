/**
 * The webgpu fused trainer: the training rows live on the device, and each mini-batch is one
 * batch set-up kernel (gather the rows, targets, weights; draw the dropout masks from each row's
 * own stream, as the reference does) followed by the step's kernels in the order of
 * core/train/step.ts, recorded without a read-back. A `train` call resolves once the device has
 * finished its last batch, so measured speeds are the device's.
 * @module
 */
import type { Buf, FusedNetwork, FusedTrainer, PackedRows } from "../../core/backend.ts";
import { weightRows } from "../../core/train/network.ts";
import { ADD_ROW_OFFSET, BATCH_SETUP, WG } from "./kernels.ts";
import { type GpuStartup, startupNote, timeFirstBatch } from "./startup.ts";
import type { GpuBuf, WebGpuBackend } from "./webgpu.ts";

interface Work {
  readonly X: Buf;
  readonly Z: Buf[];
  readonly Zmax: Buf[];
  readonly A: Buf[];
  readonly E: Buf[];
  readonly G: Buf[];
  readonly dW: Buf[];
  readonly db: Buf[];
  readonly won: (Buf | null)[];
  readonly M: (Buf | null)[];
  readonly T: Buf;
  readonly RW: Buf | null;
  /** All masks of a batch, layer after layer (the set-up kernel's output). */
  readonly Mall: GPUBuffer | null;
  readonly maskOffsets: number[];
  readonly cfg: GPUBuffer;
  /** Bound in place of the masks or row weights a network does not have (bindings must differ). */
  readonly spare: GPUBuffer[];
}

/** Runs whole mini-batches on the GPU for a network whose every plugin has a GPU body. */
export class WebGpuTrainer implements FusedTrainer {
  readonly #be: WebGpuBackend;
  readonly #net: FusedNetwork;
  readonly #L1: number;
  readonly #channels: number;
  #rows: GPUBuffer | null = null;
  #tw: GPUBuffer | null = null;
  #order: GPUBuffer | null = null;
  #orderCap = 0;
  #packed: PackedRows | null = null;
  #hostRows = false;
  #batchHost: Float32Array | null = null;
  #work: Work | null = null;
  #startup: GpuStartup | null = null;

  readonly #rowsLimit: number | undefined;

  constructor(be: WebGpuBackend, net: FusedNetwork, deviceRowsBytes?: number) {
    this.#rowsLimit = deviceRowsBytes;
    this.#be = be;
    this.#net = net;
    this.#L1 = net.units.length - 1;
    this.#channels = net.activation.channels ?? 1;
  }

  #rowsOf(m: number): number {
    return weightRows({ units: this.#net.units, channels: this.#channels }, m);
  }

  load(rows: PackedRows): void {
    const gpu = this.#be.gpu, n0 = this.#net.units[0];
    const limit = Math.min(this.#rowsLimit ?? Infinity, gpu.device().limits.maxStorageBufferBindingSize);
    // Rows that fit one storage buffer live on the device; larger sets are uploaded a batch at a time.
    this.#hostRows = rows.rows * n0 * 4 > limit;
    const dense = new Float32Array((this.#hostRows ? this.#net.miniBatch : rows.rows) * n0);
    if (!this.#hostRows) this.#gather(rows, dense, (r) => r, rows.rows);
    // Per row: target, weight, offset (offset_column; 0 without one).
    const tw = new Float32Array(rows.rows * 3);
    for (let r = 0; r < rows.rows; r++) {
      tw[3 * r] = rows.target[r];
      tw[3 * r + 1] = rows.weight ? rows.weight[r] : 1;
      tw[3 * r + 2] = rows.offset ? rows.offset[r] : 0;
    }
    this.#rows = gpu.raw(dense.byteLength);
    if (this.#hostRows) this.#batchHost = dense;
    else gpu.writeRaw(this.#rows, dense);
    this.#tw = gpu.raw(tw.byteLength);
    gpu.writeRaw(this.#tw, tw);
    this.#packed = rows;
  }

  /** Writes rows idx(0 … count) of `rows` densely into `out`. */
  #gather(rows: PackedRows, out: Float32Array, idx: (k: number) => number, count: number): void {
    const n0 = this.#net.units[0];
    out.fill(0, 0, count * n0);
    for (let k = 0; k < count; k++) {
      const r = idx(k);
      if (rows.dense) out.set(rows.dense.subarray(r * n0, (r + 1) * n0), k * n0);
      else {
        const { indptr, index, value } = rows.csr!;
        for (let j = indptr[r]; j < indptr[r + 1]; j++) out[k * n0 + index[j]] = value[j];
      }
    }
  }

  #alloc(): Work {
    if (this.#work) return this.#work;
    const be = this.#be, net = this.#net, u = net.units, L1 = this.#L1, B = net.miniBatch;
    const mat = (r: number, c: number) => be.alloc(r * c, [r, c]);
    const Z: Buf[] = [], Zmax: Buf[] = [], A: Buf[] = [mat(B, u[0])], E: Buf[] = [], G: Buf[] = [], dW: Buf[] = [], db: Buf[] = [];
    const won: (Buf | null)[] = [], M: (Buf | null)[] = [];
    const maskRows = this.#channels > 1 && !net.skipZero;
    for (let m = 0; m < L1; m++) {
      const rows = this.#rowsOf(m);
      Z.push(mat(B, rows));
      Zmax.push(mat(B, u[m + 1]));
      A.push(mat(B, u[m + 1]));
      E.push(mat(B, u[m + 1]));
      G.push(mat(B, rows));
      dW.push(be.alloc(rows * u[m], [rows, u[m]], "weights"));
      db.push(mat(rows, 1));
      won.push(maskRows && m < L1 - 1 ? mat(rows, 1) : null);
    }
    // cfg: [layers with masks, seed0, seed1, pass, then per layer: offset, units, threshold, is-input]
    const cfg: number[] = [0, net.seed[0] >>> 0, net.seed[1] >>> 0, 0];
    const maskOffsets: number[] = [];
    let total = 0;
    for (let l = 0; l < L1; l++) {
      const ratio = net.dropout[l];
      if (!(ratio > 0)) {
        M.push(null);
        maskOffsets.push(-1);
        continue;
      }
      M.push(mat(B, u[l]));
      maskOffsets.push(total);
      // keep iff uniform = k·2⁻²⁴ ≥ ratio, i.e. k ≥ ⌈ratio·2²⁴⌉ (exact: no Float32 rounding of ratio)
      cfg.push(total, u[l], Math.ceil(ratio * 16777216), l === 0 ? 1 : 0);
      cfg[0]++;
      total += B * u[l];
    }
    const gpu = be.gpu;
    const cfgBuf = gpu.raw(cfg.length * 4);
    gpu.writeRaw(cfgBuf, Uint32Array.from(cfg));
    this.#work = {
      X: A[0], Z, Zmax, A, E, G, dW, db, won, M, T: mat(B, u[L1]), RW: this.#packed?.weight ? mat(B, u[L1]) : null,
      Mall: total > 0 ? gpu.raw(total * 4) : null, maskOffsets, cfg: cfgBuf, spare: [gpu.raw(16), gpu.raw(16)],
    };
    return this.#work;
  }

  /** The time from process start to this trainer's first trained batch, broken down; null before it. */
  get startup(): GpuStartup | null {
    return this.#startup;
  }

  /** {@linkcode startup} as one line, once the first batch has run. */
  get startupNote(): string | undefined {
    return this.#startup ? startupNote(this.#startup) : undefined;
  }

  async train(order: Int32Array, ctx: { readonly samples: number; readonly pass: number }): Promise<number> {
    if (this.#startup || order.length === 0) return await this.#train(order, ctx);
    // The first mini-batch alone, timed to its end on the device (the start-up figures), then the rest.
    const first = Math.min(this.#net.miniBatch, order.length);
    let done = 0;
    this.#startup = await timeFirstBatch(this.#be, async () => (done = await this.#train(order.subarray(0, first), ctx)));
    if (first < order.length) done += await this.#train(order.subarray(first), { samples: ctx.samples + done, pass: ctx.pass });
    return done;
  }

  async #train(order: Int32Array, ctx: { readonly samples: number; readonly pass: number }): Promise<number> {
    if (!this.#packed) throw new Error("WebGpuTrainer.train() before load()");
    const be = this.#be, gpu = be.gpu, net = this.#net, u = net.units, L1 = this.#L1, nOut = u[L1], B = net.miniBatch;
    const w = this.#alloc();
    if (order.length > this.#orderCap) {
      this.#order?.destroy();
      this.#orderCap = Math.max(order.length, 1024);
      this.#order = gpu.raw(this.#orderCap * 4);
    }
    gpu.writeRaw(this.#order!, Uint32Array.from(order));
    if (w.Mall) gpu.writeRaw(w.cfg, Uint32Array.of(ctx.pass >>> 0), 12);
    const g = (b: Buf) => (b as GpuBuf).gpu;
    const masks = w.Mall ?? w.spare[0], rw = w.RW ? g(w.RW) : w.spare[1];
    let done = 0;
    for (let start = 0; start < order.length; start += B) {
      const count = Math.min(B, order.length - start);
      if (this.#hostRows) {
        this.#gather(this.#packed, this.#batchHost!, (k) => order[start + k], count);
        // A fresh copy per batch: Deno's writeBuffer may read its source after the call returns.
        gpu.writeRaw(this.#rows!, this.#batchHost!.slice(0, count * u[0]));
      }
      gpu.dispatch(BATCH_SETUP, [this.#order!, this.#rows!, g(w.X), g(w.T), this.#tw!, rw, masks, w.cfg],
        [count, start, u[0], nOut, net.output === "softmax" ? 1 : 0, w.RW ? 1 : 0, this.#hostRows ? 1 : 0], 99, [Math.ceil(count / 64), 1]);
      w.M.forEach((m, l) => m && gpu.copy(w.Mall!, w.maskOffsets[l] * 4, g(m), 0, count * u[l] * 4));
      this.#step(w, count, ctx.samples + done, start);
      done += count;
    }
    await gpu.idle();
    return done;
  }

  /** One mini-batch of `count` rows already set up: the order of GenericNetwork.train. */
  #step(w: Work, count: number, samples: number, start: number): void {
    const be = this.#be, net = this.#net, u = net.units, L1 = this.#L1, nOut = u[L1], channels = this.#channels;
    if (w.M[0]) be.map({ kind: "mul" }, [w.A[0], w.M[0]], [w.A[0]], count * u[0]);
    for (let m = 0; m < L1; m++) {
      const rows = this.#rowsOf(m), n = u[m + 1];
      be.affine(w.A[m], net.state.W[m], net.state.b[m], w.Z[m], { batch: count, in: u[m], out: rows });
      if (m === L1 - 1 && this.#packed!.offset) {
        // offset_column: each row's offset, from the rows' table on the device, onto the output pre-activation.
        const groups = Math.ceil((count * n) / WG);
        be.gpu.dispatch(ADD_ROW_OFFSET, [(w.Z[m] as GpuBuf).gpu, this.#order!, this.#tw!], [count * n, n, start], 99, [Math.min(groups, 65535), Math.ceil(groups / 65535)]);
      }
      if (m === L1 - 1) {
        if (net.output === "softmax") be.softmax(w.Z[m], w.A[m + 1], count, n);
        else be.map({ kind: "scale", factor: 1 }, [w.Z[m]], [w.A[m + 1]], count * n);
        break;
      }
      let z = w.Z[m];
      if (channels > 1) {
        be.channelMax(w.Z[m], w.Zmax[m], count, n, channels);
        z = w.Zmax[m];
      }
      be.map({ kind: "activate", activation: net.activation }, [z], [w.A[m + 1]], count * n);
      if (w.M[m + 1]) be.map({ kind: "mul" }, [w.A[m + 1], w.M[m + 1]!], [w.A[m + 1]], count * n);
    }
    const top = L1 - 1;
    if (net.output === "softmax") be.softmaxGrad(w.A[L1], w.T, w.G[top], count, nOut, net.softmaxLoss);
    else be.map({ kind: "outputGrad", distribution: net.distribution, params: net.distributionParams }, [w.Z[top], w.T], [w.G[top]], count * nOut);
    if (w.RW) be.map({ kind: "mul" }, [w.G[top], w.RW], [w.G[top]], count * nOut);
    for (let m = top; m >= 0; m--) {
      const rows = this.#rowsOf(m), n = u[m + 1];
      if (m < top) {
        if (w.M[m + 1]) be.map({ kind: "mul" }, [w.E[m], w.M[m + 1]!], [w.E[m]], count * n);
        if (channels > 1) {
          be.map({ kind: "activateGrad", activation: net.activation }, [w.Zmax[m], w.A[m + 1], w.E[m]], [w.E[m]], count * n);
          be.channelMaxGrad(w.Z[m], w.E[m], w.G[m], count, n, channels, w.won[m]);
        } else {
          be.map({ kind: "activateGrad", activation: net.activation }, [w.Z[m], w.A[m + 1], w.E[m]], [w.G[m]], count * n);
        }
      }
      be.affineBackward(w.G[m], w.A[m], net.state.W[m], { dX: m > 0 ? w.E[m - 1] : null, dW: w.dW[m], db: w.db[m] }, {
        batch: count, in: u[m], out: rows, scale: 1 / count,
      });
      const params = net.optimizer.schedule ? net.optimizer.schedule(net.optimizerParams, { layer: m + 1, samples }) : net.optimizerParams;
      const update = { kind: "update", optimizer: net.optimizer, params, terms: net.terms, skipZero: net.skipZero, rowMask: w.won[m] } as const;
      be.map(update, [net.state.W[m], w.dW[m], ...net.state.slotsW[m]], [net.state.W[m], ...net.state.slotsW[m]], rows * u[m]);
      be.map(update, [net.state.b[m], w.db[m], ...net.state.slotsB[m]], [net.state.b[m], ...net.state.slotsB[m]], rows);
      for (const c of net.constraints) be.constrainRows(net.state.W[m], net.skipZero ? w.db[m] : w.won[m], rows, u[m], c);
    }
  }

  close(): void {
    const be = this.#be, w = this.#work;
    be.gpu.flush();
    if (w) {
      for (const b of [w.X, ...w.Z, ...w.Zmax, ...w.A.slice(1), ...w.E, ...w.G, ...w.dW, ...w.db, ...w.won, ...w.M, w.T, w.RW]) if (b) be.free(b);
      w.Mall?.destroy();
      w.cfg.destroy();
      for (const b of w.spare) b.destroy();
    }
    this.#rows?.destroy();
    this.#tw?.destroy();
    this.#order?.destroy();
    this.#work = null;
  }
}
