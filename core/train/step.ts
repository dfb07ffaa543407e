/**
 * The generic training step and forward pass, written once in the Backend's ops. On the
 * reference backend with a mini-batch of 1 this is the definition of H2O's per-sample training
 * (spec §5.1) with the documented behaviour where the code differs (docs/h2o-differences.md):
 *
 *   forward:  a0 = x ⊙ input mask;  z = W a + b;  a = f(z) ⊙ hidden mask;  softmax or identity out
 *   backward: output error from the loss; for each layer from the top, g = e ⊙ mask ⊙ f'(z, a);
 *             e_below = g·W with W before its update; then W, b updated by the optimizer with the
 *             L1/L2 terms added; max_w2 rescales the rows that were updated.
 *
 * With fast_mode, a parameter whose data gradient is exactly zero (an input of 0, a unit whose
 * gradient is 0) is not touched at all: no regularization, no optimizer-state decay (Q10/Q11).
 * A mini-batch averages the data gradient over its rows and applies one update.
 * @module
 */
import type { Backend, Buf, FusedNetwork, PackedRows } from "../backend.ts";
import { hashWords, Rng } from "../rng.ts";
import { meanActivationName, weightRows } from "./network.ts";

/** Work buffers for one batch size. */
interface Work {
  readonly batch: number;
  readonly X: Buf; // inputs (batch, n0)
  readonly Z: Buf[]; // pre-activations per layer 1 … L+1 (batch, rows)
  readonly Zmax: Buf[]; // Maxout: channel maxima (batch, units)
  readonly A: Buf[]; // activations per layer 0 … L+1
  readonly E: Buf[]; // errors per layer 1 … L+1 (batch, units)
  readonly G: Buf[]; // gradient at the pre-activation (batch, rows)
  readonly M: (Buf | null)[]; // dropout masks per layer 0 … L
  readonly dW: Buf[];
  readonly db: Buf[];
  readonly won: (Buf | null)[]; // Maxout without fast_mode: which channel rows won (update mask)
  readonly T: Buf; // targets (batch, nOut)
  readonly rowWeight: Buf | null; // observation weights broadcast over outputs (batch, nOut)
  readonly host: { X: Float64Array; T: Float64Array; M: (Float64Array | null)[]; rw: Float64Array | null; off: Float64Array };
}

/** Runs the network through a backend's ops: training batches and scoring forward passes. */
export class GenericNetwork {
  readonly #backend: Backend;
  readonly #net: FusedNetwork;
  readonly #units: readonly number[];
  readonly #layers: number; // L + 1 weight matrices
  readonly #work = new Map<number, Work>();
  readonly #rng = new Rng();
  /** Sparsity: each hidden layer's running average activations ρ̂ (spec §5.6), from 0. */
  readonly #avgActivation: Float64Array[];

  constructor(backend: Backend, net: FusedNetwork) {
    this.#backend = backend;
    this.#net = net;
    this.#units = net.units;
    this.#layers = net.units.length - 1;
    this.#avgActivation = net.sparsity ? net.units.slice(1, -1).map((n) => new Float64Array(n)) : [];
  }

  /** The running average activation of each hidden unit, per hidden layer (sparsity only; else empty). */
  get averageActivations(): readonly Float64Array[] {
    return this.#avgActivation;
  }

  /** ρ̂ by state name (meanActivationName), copied out; empty without sparsity. */
  readAverageActivations(): Record<string, Float64Array> {
    return Object.fromEntries(this.#avgActivation.map((a, m) => [meanActivationName(m), Float64Array.from(a)]));
  }

  /**
   * Sets ρ̂ from state values by name; returns the names that were absent (kept as they were).
   * Throws `RangeError` on a wrong length.
   */
  writeAverageActivations(values: Readonly<Record<string, ArrayLike<number>>>): string[] {
    const missing: string[] = [];
    this.#avgActivation.forEach((a, m) => {
      const name = meanActivationName(m), v = values[name];
      if (!v) return void missing.push(name);
      if (v.length !== a.length) throw new RangeError(`Cannot load parameters: "${name}" has ${v.length} values, expected ${a.length}`);
      a.set(v);
    });
    return missing;
  }

  #rows(m: number): number {
    return weightRows({ units: this.#units, channels: this.#net.activation.channels ?? 1 }, m);
  }

  #alloc(batch: number, withMasks: boolean, weighted: boolean): Work {
    const key = batch * 4 + (withMasks ? 2 : 0) + (weighted ? 1 : 0);
    const hit = this.#work.get(key);
    if (hit) return hit;
    const be = this.#backend, u = this.#units, L1 = this.#layers, nOut = u[L1];
    const mat = (r: number, c: number) => be.alloc(r * c, [r, c]);
    const Z: Buf[] = [], Zmax: Buf[] = [], A: Buf[] = [mat(batch, u[0])], E: Buf[] = [], G: Buf[] = [];
    const dW: Buf[] = [], db: Buf[] = [], M: (Buf | null)[] = [], hostM: (Float64Array | null)[] = [], won: (Buf | null)[] = [];
    const maskRows = (this.#net.activation.channels ?? 1) > 1 && !this.#net.skipZero;
    for (let m = 0; m < L1; m++) {
      const rows = this.#rows(m);
      Z.push(mat(batch, rows));
      Zmax.push(mat(batch, u[m + 1]));
      A.push(mat(batch, u[m + 1]));
      E.push(mat(batch, u[m + 1]));
      G.push(mat(batch, rows));
      dW.push(be.alloc(rows * u[m], [rows, u[m]], "weights"));
      db.push(mat(rows, 1));
      won.push(maskRows && m < L1 - 1 ? mat(rows, 1) : null);
    }
    for (let l = 0; l < L1; l++) {
      const on = withMasks && this.#net.dropout[l] > 0;
      M.push(on ? mat(batch, u[l]) : null);
      hostM.push(on ? new Float64Array(batch * u[l]) : null);
    }
    const w: Work = {
      batch, X: A[0], Z, Zmax, A, E, G, M, dW, db, won, T: mat(batch, nOut),
      rowWeight: weighted ? mat(batch, nOut) : null,
      host: { X: new Float64Array(batch * u[0]), T: new Float64Array(batch * nOut), M: hostM, rw: weighted ? new Float64Array(batch * nOut) : null, off: new Float64Array(batch) },
    };
    this.#work.set(key, w);
    return w;
  }

  /** Fills the host input rows (and targets) for `idx` from packed rows. */
  #gather(rows: PackedRows, idx: ArrayLike<number>, count: number, w: Work, withTargets: boolean): void {
    const n0 = this.#units[0], nOut = this.#units[this.#layers];
    const { X, T, rw } = w.host;
    X.fill(0);
    if (withTargets) T.fill(0);
    for (let k = 0; k < count; k++) {
      const r = idx[k];
      if (rows.dense) {
        X.set(rows.dense.subarray(r * n0, (r + 1) * n0), k * n0);
      } else {
        const { indptr, index, value } = rows.csr!;
        for (let j = indptr[r]; j < indptr[r + 1]; j++) X[k * n0 + index[j]] = value[j];
      }
      if (withTargets) {
        if (this.#net.output === "softmax") T[k * nOut + rows.target[r]] = 1;
        else if (this.#net.output === "reconstruct") T.set(X.subarray(k * n0, (k + 1) * n0), k * nOut); // the inputs before input dropout
        else T[k * nOut] = rows.target[r];
        if (rw) rw.fill(rows.weight![r], k * nOut, (k + 1) * nOut);
      }
      if (rows.offset) w.host.off[k] = rows.offset[r];
    }
  }

  /**
   * Draws the dropout masks of one row from its own stream, in the order every backend uses:
   * one uniform per non-zero input (a zero input is the same dropped or kept), in input order,
   * then one per unit of each hidden layer with dropout, layer by layer.
   */
  #drawMasks(w: Work, k: number, row: number, pass: number): void {
    const { dropout, seed } = this.#net;
    const rng = this.#rng.reseed(sampleSeed(seed, pass, row));
    const X = w.host.X;
    for (let l = 0; l < w.M.length; l++) {
      const m = w.host.M[l];
      if (!m) continue;
      const n = this.#units[l], ratio = dropout[l];
      for (let i = 0; i < n; i++) {
        m[k * n + i] = l === 0 && X[k * n + i] === 0 ? 1 : rng.uniform() >= ratio ? 1 : 0;
      }
    }
  }

  /**
   * Forward pass for `batch` rows already in w.X; `training` applies masks, else dropout scaling.
   * With `offset`, each row's w.host.off value is added to the output pre-activation (spec §1.12).
   */
  async #forward(w: Work, batch: number, training: boolean, offset = false): Promise<void> {
    const be = this.#backend, net = this.#net, u = this.#units, L1 = this.#layers;
    const channels = net.activation.channels ?? 1;
    if (training && w.M[0]) be.map({ kind: "mul" }, [w.A[0], w.M[0]], [w.A[0]], batch * u[0]);
    if (!training && net.dropout[0] > 0) be.map({ kind: "scale", factor: 1 - net.dropout[0] }, [w.A[0]], [w.A[0]], batch * u[0]);
    for (let m = 0; m < L1; m++) {
      const rows = this.#rows(m), n = u[m + 1];
      be.affine(w.A[m], net.state.W[m], net.state.b[m], w.Z[m], { batch, in: u[m], out: rows });
      if (m === L1 - 1 && offset) {
        // A per-row offset has no op of its own: add it on the host (one value per output row).
        const z = await be.read(w.Z[m]);
        for (let k = 0; k < batch; k++) for (let j = 0; j < n; j++) z[k * n + j] += w.host.off[k];
        be.write(w.Z[m], z);
      }
      if (m === L1 - 1) {
        if (net.output === "softmax") be.softmax(w.Z[m], w.A[m + 1], batch, n);
        else if (net.output === "reconstruct") be.map({ kind: "activate", activation: net.activation }, [w.Z[m]], [w.A[m + 1]], batch * n);
        else be.map({ kind: "scale", factor: 1 }, [w.Z[m]], [w.A[m + 1]], batch * n);
        break;
      }
      let z = w.Z[m];
      if (channels > 1) {
        be.channelMax(w.Z[m], w.Zmax[m], batch, n, channels);
        z = w.Zmax[m];
      }
      be.map({ kind: "activate", activation: net.activation }, [z], [w.A[m + 1]], batch * n);
      const ratio = net.dropout[m + 1];
      if (training && w.M[m + 1]) be.map({ kind: "mul" }, [w.A[m + 1], w.M[m + 1]!], [w.A[m + 1]], batch * n);
      else if (!training && ratio > 0) be.map({ kind: "scale", factor: 1 - ratio }, [w.A[m + 1]], [w.A[m + 1]], batch * n);
    }
  }

  /**
   * Trains on rows `order` (indices into `rows`), `miniBatch` at a time. Resolves to the samples trained.
   * `samples` is the model's count before this call; `pass` numbers the shuffle pass.
   */
  async train(rows: PackedRows, order: Int32Array, ctx: { samples: number; pass: number }): Promise<number> {
    const be = this.#backend, net = this.#net, u = this.#units, L1 = this.#layers, nOut = u[L1];
    const B = net.miniBatch;
    const weighted = rows.weight !== null;
    const channels = net.activation.channels ?? 1;
    let done = 0;
    for (let start = 0; start < order.length; start += B) {
      const count = Math.min(B, order.length - start);
      const w = this.#alloc(B, true, weighted);
      const idx = order.subarray(start, start + count);
      this.#gather(rows, idx, count, w, true);
      for (let k = 0; k < count; k++) this.#drawMasks(w, k, idx[k], ctx.pass);
      be.write(w.X, w.host.X);
      be.write(w.T, w.host.T);
      w.M.forEach((m, l) => m && be.write(m, w.host.M[l]!));
      if (w.rowWeight) be.write(w.rowWeight, w.host.rw!);
      await this.#forward(w, count, true, !!rows.offset);

      // Output error (spec §4.1): straight into the output layer's G, no activation derivative.
      const top = L1 - 1;
      if (net.output === "softmax") be.softmaxGrad(w.A[L1], w.T, w.G[top], count, nOut, net.softmaxLoss);
      else if (net.output === "reconstruct") {
        // The loss gradient on each reconstructed input times the output activation's derivative
        // (documented backpropagation; H2O's code leaves the derivative out, quirk Q21).
        be.map({ kind: "outputGrad", distribution: net.distribution, params: net.distributionParams }, [w.A[L1], w.T], [w.G[top]], count * nOut);
        be.map({ kind: "activateGrad", activation: net.activation }, [w.Z[top], w.A[L1], w.G[top]], [w.G[top]], count * nOut);
      } else be.map({ kind: "outputGrad", distribution: net.distribution, params: net.distributionParams }, [w.Z[top], w.T], [w.G[top]], count * nOut);
      if (w.rowWeight) be.map({ kind: "mul" }, [w.G[top], w.rowWeight], [w.G[top]], count * nOut);

      if (net.sparsity) await this.#trackActivations(w, count);
      const samples = ctx.samples + done;
      for (let m = top; m >= 0; m--) {
        const rows = this.#rows(m), n = u[m + 1];
        if (m < top) {
          // e ⊙ mask ⊙ f′: a dropped unit gets no gradient (documented dropout, quirk Q7).
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
        if (net.sparsity && m < top) {
          // Sparsity (spec §5.6): beta·(ρ̂ − target) joins each hidden bias's gradient.
          const db = await be.read(w.db[m]), avg = this.#avgActivation[m], { beta, target } = net.sparsity;
          for (let j = 0; j < rows; j++) db[j] += beta * (avg[j] - target);
          be.write(w.db[m], db);
        }
        const params = net.optimizer.schedule ? net.optimizer.schedule(net.optimizerParams, { layer: m + 1, samples }) : net.optimizerParams;
        const update = { kind: "update", optimizer: net.optimizer, params, terms: net.terms, skipZero: net.skipZero, rowMask: w.won[m] } as const;
        be.map(update, [net.state.W[m], w.dW[m], ...net.state.slotsW[m]], [net.state.W[m], ...net.state.slotsW[m]], rows * u[m]);
        be.map(update, [net.state.b[m], w.db[m], ...net.state.slotsB[m]], [net.state.b[m], ...net.state.slotsB[m]], rows);
        for (const c of net.constraints) be.constrainRows(net.state.W[m], net.skipZero ? w.db[m] : w.won[m], rows, u[m], c);
      }
      done += count;
    }
    return done;
  }

  /** ρ̂ ← 0.999·ρ̂ + 0.001·a for every hidden unit, row by row of the batch (spec §5.6). */
  async #trackActivations(w: Work, count: number): Promise<void> {
    for (let l = 1; l < this.#layers; l++) {
      const a = await this.#backend.read(w.A[l]), avg = this.#avgActivation[l - 1], n = this.#units[l];
      for (let k = 0; k < count; k++) for (let j = 0; j < n; j++) avg[j] = 0.999 * avg[j] + 0.001 * a[k * n + j];
    }
  }

  /**
   * Scoring forward pass over all `rows`: writes the output layer (class probabilities, or the
   * output unit's value in link space) into `out` (rows × nOut). No dropout; layers with dropout
   * are scaled by 1 − ratio.
   */
  async predict(rows: PackedRows, out: Float64Array, batch = 256): Promise<void> {
    await this.activations(rows, this.#layers, out, batch);
  }

  /**
   * Scoring-mode activations of level `level` (1 … L: hidden layer `level`; L + 1: the output) for
   * every row into `out` (rows × units of that level): deep features (spec §14.6) and predictions.
   */
  async activations(rows: PackedRows, level: number, out: Float64Array, batch = 256): Promise<void> {
    const nOut = this.#units[level];
    const idx = new Int32Array(batch);
    for (let start = 0; start < rows.rows; start += batch) {
      const count = Math.min(batch, rows.rows - start);
      for (let k = 0; k < count; k++) idx[k] = start + k;
      const w = this.#alloc(batch, false, false);
      this.#gather(rows, idx, count, w, false);
      this.#backend.write(w.X, w.host.X);
      await this.#forward(w, count, false, !!rows.offset);
      out.set((await this.#backend.read(w.A[level])).subarray(0, count * nOut), start * nOut);
    }
  }

  /** Releases the work buffers. */
  close(): void {
    for (const w of this.#work.values()) {
      const bufs = [w.X, ...w.Z, ...w.Zmax, ...w.A.slice(1), ...w.E, ...w.G, ...w.dW, ...w.db, ...w.won, w.T, ...w.M, w.rowWeight];
      for (const b of bufs) if (b) this.#backend.free(b);
    }
    this.#work.clear();
  }
}

/** The seed word of one training sample's dropout stream: model seed, shuffle pass, row. */
export function sampleSeed(seed: readonly [number, number], pass: number, row: number): number {
  return hashWords(seed[0], seed[1], pass, row);
}
