/**
 * The reference backend. Contract: clear loops, Float64, no tricks. Its output defines "correct":
 * every other backend is checked against it, op by op and step by step. It has no fused trainer;
 * the engine's generic step (core/train/step.ts) over these ops is the definition of training.
 * @module
 */
import type {
  Backend, BoundRegularizer, Buf, Dims, Elementwise, SoftmaxLoss,
} from "../../core/backend.ts";
import { linkInv } from "../../core/distribution.ts";

/** A reference buffer: a plain Float64Array, matrices row-major. */
export interface RefBuf extends Buf {
  readonly data: Float64Array;
}

function d64(b: Buf): Float64Array {
  return (b as RefBuf).data;
}

/** Creates the reference backend. */
export function referenceBackend(): Backend {
  const slotScratch = new Float64Array(16);
  const ins: Float64Array[] = [];
  return {
    name: "reference",
    summary: "Plain TypeScript, Float64: the definition every other backend is checked against",
    precision: 64,
    priority: 0,
    init: () => Promise.resolve(true),

    alloc(length, shape) {
      if (shape && shape[0] * shape[1] !== length) throw new RangeError(`Cannot allocate: shape ${shape} does not hold ${length} values`);
      return { length, shape, data: new Float64Array(length) } as RefBuf;
    },
    free() {},
    write(dst, src, offset = 0) {
      const d = d64(dst);
      if (offset + src.length > d.length) throw new RangeError(`Cannot write ${src.length} values at ${offset} into a buffer of ${d.length}`);
      for (let i = 0; i < src.length; i++) d[offset + i] = src[i];
    },
    read: (src) => Promise.resolve(d64(src).slice()),
    fill: (dst, value) => void d64(dst).fill(value),

    affine(X, W, b, Y, { batch, in: nIn, out }: Dims) {
      const x = d64(X), w = d64(W), bias = d64(b), y = d64(Y);
      for (let r = 0; r < batch; r++) {
        for (let o = 0; o < out; o++) {
          let s = bias[o];
          for (let i = 0; i < nIn; i++) s += x[r * nIn + i] * w[o * nIn + i];
          y[r * out + o] = s;
        }
      }
    },

    affineBackward(dY, X, W, { dX, dW, db }, { batch, in: nIn, out, scale }) {
      const g = d64(dY), x = d64(X), w = d64(W), gw = d64(dW), gb = d64(db);
      if (dX) {
        const gx = d64(dX);
        for (let r = 0; r < batch; r++) {
          for (let i = 0; i < nIn; i++) {
            let s = 0;
            for (let o = 0; o < out; o++) s += g[r * out + o] * w[o * nIn + i];
            gx[r * nIn + i] = s;
          }
        }
      }
      for (let o = 0; o < out; o++) {
        let sb = 0;
        for (let r = 0; r < batch; r++) sb += g[r * out + o];
        gb[o] = scale * sb;
        for (let i = 0; i < nIn; i++) {
          let s = 0;
          for (let r = 0; r < batch; r++) s += g[r * out + o] * x[r * nIn + i];
          gw[o * nIn + i] = scale * s;
        }
      }
    },

    map(op: Elementwise, inBufs, outBufs, n) {
      ins.length = 0;
      for (const b of inBufs) ins.push(d64(b));
      const out = d64(outBufs[0]);
      switch (op.kind) {
        case "activate": {
          const z = ins[0];
          for (let i = 0; i < n; i++) out[i] = op.activation.f(z[i]);
          return;
        }
        case "activateGrad": {
          const [z, a, e] = ins;
          for (let i = 0; i < n; i++) out[i] = e[i] * op.activation.df(z[i], a[i]);
          return;
        }
        case "mul": {
          const [a, b] = ins;
          for (let i = 0; i < n; i++) out[i] = a[i] * b[i];
          return;
        }
        case "scale": {
          const a = ins[0];
          for (let i = 0; i < n; i++) out[i] = a[i] * op.factor;
          return;
        }
        case "outputGrad": {
          const [eta, y] = ins;
          const { distribution: dist, params } = op;
          for (let i = 0; i < n; i++) out[i] = dist.gradient(y[i], linkInv(dist.link, eta[i]), params);
          return;
        }
        case "update": {
          const [p, dp] = ins;
          const slotsIn = ins.slice(2);
          const slotsOut = outBufs.slice(1).map(d64);
          const k = op.optimizer.slots;
          const s = k <= slotScratch.length ? slotScratch.subarray(0, k) : new Float64Array(k);
          const mask = op.rowMask ? d64(op.rowMask) : null;
          const cols = outBufs[0].shape?.[1] ?? 1;
          for (let i = 0; i < n; i++) {
            const g = dp[i];
            if ((op.skipZero && g === 0) || (mask && mask[Math.floor(i / cols)] === 0)) {
              out[i] = p[i];
              for (let j = 0; j < k; j++) slotsOut[j][i] = slotsIn[j][i];
              continue;
            }
            const w = p[i];
            let gamma = g;
            for (const t of op.terms) gamma += t.regularizer.gradient!(w, t.params);
            for (let j = 0; j < k; j++) s[j] = slotsIn[j][i];
            out[i] = op.optimizer.step(w, gamma, s, op.params);
            for (let j = 0; j < k; j++) slotsOut[j][i] = s[j];
          }
          return;
        }
      }
    },

    softmax(Z, P, batch, width) {
      const z = d64(Z), p = d64(P);
      for (let r = 0; r < batch; r++) {
        const o = r * width;
        let max = -Infinity;
        for (let c = 0; c < width; c++) max = Math.max(max, z[o + c]);
        let sum = 0;
        for (let c = 0; c < width; c++) sum += (p[o + c] = Math.exp(z[o + c] - max));
        for (let c = 0; c < width; c++) p[o + c] /= sum;
      }
    },

    softmaxGrad(P, T, E, batch, width, loss: SoftmaxLoss) {
      const p = d64(P), t = d64(T), e = d64(E);
      for (let r = 0; r < batch; r++) {
        const o = r * width;
        if (loss === "CrossEntropy") {
          for (let c = 0; c < width; c++) e[o + c] = p[o + c] - t[o + c];
          continue;
        }
        // ∂/∂z_c of ½Σ_k (p_k − t_k)² through the softmax: p_c·((p_c − t_c) − Σ_k (p_k − t_k)·p_k)
        let dot = 0;
        for (let k = 0; k < width; k++) dot += (p[o + k] - t[o + k]) * p[o + k];
        for (let c = 0; c < width; c++) e[o + c] = p[o + c] * (p[o + c] - t[o + c] - dot);
      }
    },

    channelMax(Z, A, batch, units, channels) {
      const z = d64(Z), a = d64(A);
      for (let r = 0; r < batch; r++) {
        for (let u = 0; u < units; u++) {
          const base = (r * units + u) * channels;
          let m = z[base];
          for (let q = 1; q < channels; q++) if (z[base + q] > m) m = z[base + q];
          a[r * units + u] = m;
        }
      }
    },

    channelMaxGrad(Z, E, G, batch, units, channels, won) {
      const z = d64(Z), e = d64(E), g = d64(G);
      const w = won ? d64(won) : null;
      w?.fill(0);
      for (let r = 0; r < batch; r++) {
        for (let u = 0; u < units; u++) {
          const base = (r * units + u) * channels;
          let win = 0;
          for (let q = 1; q < channels; q++) if (z[base + q] > z[base + win]) win = q;
          for (let q = 0; q < channels; q++) g[base + q] = q === win ? e[r * units + u] : 0;
          if (w) w[u * channels + win] = 1;
        }
      }
    },

    constrainRows(W, touched, rows, cols, c: BoundRegularizer) {
      const w = d64(W);
      const t = touched ? d64(touched) : null;
      for (let r = 0; r < rows; r++) {
        if (t && t[r] === 0) continue;
        let s = 0;
        for (let i = 0; i < cols; i++) s += w[r * cols + i] * w[r * cols + i];
        const f = c.regularizer.constrain!(s, c.params);
        if (f !== 1) for (let i = 0; i < cols; i++) w[r * cols + i] *= f;
      }
    },
  };
}
