// The fused trainer: H2O's per-sample loop (forward, backward, in-place update) over many rows
// inside WebAssembly, and its mini-batch form on blocked GEMMs. It follows core/train/step.ts,
// the definition, operation for operation; only the arithmetic is float32 and SIMD.
//
// Weights are stored transposed, Wᵀ: (in × rows), so that a row of Wᵀ holds every weight fed by
// one input. A sample then touches only the rows of its live inputs (non-zero pixels, active
// rectifiers, kept units): the forward pass is one axpy per live input, the backward pass one
// dot product and one masked update per live input. On dense inputs (no zeros to skip) the first
// layer is stored row-major instead (L_ROWMAJOR), so that dropped and inactive units are skipped
// whole: the forward pass is one dot product per kept unit, the update one run per active unit.
import { gemm_nn, gemm_nt, gemm_tn } from "./gemm";
import {
  C_ACT, C_BATCH, C_CHANNELS, C_DENSE, C_DIST, C_DIST_A, C_IN_DROP, C_INDEX, C_INDPTR,
  C_LAYER0, C_LAYER_SIZE, C_LAYERS, C_MAXW2, C_N0, C_OUTPUT, C_SEED0, C_SEED1,
  C_OFFSET, C_SKIP, C_TARGET, C_VALUE, C_WEIGHT, L_B, L_DROP, L_IN, L_NORM, L_ROWMAJOR, L_ROWS, L_SB0, L_SB1, L_SW0, L_SW1, L_UNITS,
  L_W, T_A, T_COUNT, T_DB, T_DENSE, T_DW, T_E, T_G, T_GEMM, T_LIST, T_M, T_SIZE, T_VAL, T_WIN, T_Z,
} from "./layout";
import { axpy, axpy4, copyf, dot, expClamped, f32at, i32at, ldf, ldi, ldp, setf, seti, softmax, tanh4, zerof } from "./math";
import { hash4, keep, reseed } from "./rng";
import { allNonZero, loadRates, skipping, updateBiases, updateRun, updateRunDot } from "./update";

// Activation code 3 (ACT_HOST): a plugin activation without a fast body. The kernels call the
// host for its math, once per layer and row (or mini-batch), over contiguous runs of values, and
// keep everything else (products, output layer, updates, dropout) here.
const ACT_HOST: i32 = 3;
/** a[i] = f(z[i]) for i < n (the host's plugin activation). */
// @ts-ignore: decorator
@external("env", "activate") declare function hostActivate(z: usize, a: usize, n: i32): void;
/** g[i] = e[i] · f′(z[i], a[i]) for i < n. */
// @ts-ignore: decorator
@external("env", "activate_grad") declare function hostActivateGrad(z: usize, a: usize, e: usize, g: usize, n: i32): void;
// Distribution code 7 (DIST_HOST): a plugin distribution without a fast body; the host gives
// d deviance / d eta for one output value (one call per row and output).
const DIST_HOST: i32 = 7;
/** The plugin distribution's gradient at target y and link-space output eta. */
// @ts-ignore: decorator
@external("env", "output_grad") declare function hostOutputGrad(y: f32, eta: f32): f32;

// @ts-ignore: decorator
@inline function layer(ctx: usize, m: i32): usize {
  return ctx + (<usize>(C_LAYER0 + m * C_LAYER_SIZE) << 2);
}
// @ts-ignore: decorator
@inline function level(tctx: usize, l: i32): usize {
  return tctx + (<usize>(l * T_SIZE) << 2);
}

/** The row of Wᵀ (`rows` floats) fed by the k-th live input of `list`. */
// @ts-ignore: decorator
@inline function rowOf(Wt: usize, list: usize, k: i32, rows: i32): usize {
  return Wt + (<usize>(i32at(list, k) * rows) << 2);
}

/** Output error of one regression row: d deviance / d eta for the built-in distributions. */
function regressionGradient(dist: i32, alpha: f32, y: f32, eta: f32): f32 {
  if (dist == DIST_HOST) return hostOutputGrad(y, eta);
  if (dist == 0) return 2 * (eta - y);
  if (dist == 1) return eta > y ? 1 : -1;
  if (dist == 2) return y > eta ? -alpha : 1 - alpha;
  if (dist == 3) {
    if (Mathf.abs(y - eta) <= alpha) return 2 * (eta - y);
    return eta < y ? -2 * alpha : 2 * alpha;
  }
  const mu = expClamped(eta);
  if (dist == 4) return 2 * (mu - y);
  if (dist == 5) return 2 * (1 - y / mu);
  const lm = Mathf.log(mu); // tweedie, power alpha
  return 2 * (expClamped((2 - alpha) * lm) - y * expClamped((1 - alpha) * lm));
}

/**
 * An autoencoder's output error for one row (spec §14.2): the output a = f(z) with the hidden
 * activation, the loss gradient against the row's own inputs before input dropout (read from the
 * data, not the dropped level 0), times f′ (documented backpropagation, not H2O's quirk Q21).
 * `x` is n0 floats of scratch.
 */
function reconstructionError(ctx: usize, z: usize, g: usize, nOut: i32, row: i32, x: usize): void {
  const dense = ldp(ctx, C_DENSE);
  let t = x;
  if (dense != 0) t = dense + (<usize>(row * nOut) << 2);
  else {
    zerof(x, nOut);
    const indptr = ldp(ctx, C_INDPTR), index = ldp(ctx, C_INDEX), value = ldp(ctx, C_VALUE);
    const end = i32at(indptr, row + 1);
    for (let j = i32at(indptr, row); j < end; j++) setf(x, i32at(index, j), f32at(value, j));
  }
  const act = ldi(ctx, C_ACT), dist = ldi(ctx, C_DIST), alpha = ldf(ctx, C_DIST_A);
  let c = 0;
  if (act == 0 && dist == 0) {
    // Tanh with the quadratic loss (the booklet's autoencoder), four outputs at a time: 2(a − t)(1 − a²).
    const one = f32x4.splat(1), two = f32x4.splat(2);
    for (; c + 4 <= nOut; c += 4) {
      const o = <usize>c << 2;
      const a = tanh4(v128.load(z + o));
      v128.store(g + o, f32x4.mul(f32x4.mul(two, f32x4.sub(a, v128.load(t + o))), f32x4.sub(one, f32x4.mul(a, a))));
    }
  }
  for (; c < nOut; c++) {
    const zc = f32at(z, c);
    const a: f32 = act == 1 ? max<f32>(zc, 0) : Mathf.tanh(zc);
    const d: f32 = act == 1 ? (zc > 0 ? <f32>1 : <f32>0) : 1 - a * a;
    setf(g, c, d == 0 ? <f32>0 : regressionGradient(dist, alpha, f32at(t, c), a) * d);
  }
}

/**
 * Writes the output layer's error for one row into g (nOut values) from the outputs z
 * (probabilities, eta, or an autoencoder's pre-activations; `x`: n0 floats of scratch).
 */
function outputError(ctx: usize, z: usize, g: usize, nOut: i32, row: i32, x: usize): void {
  const out = ldi(ctx, C_OUTPUT);
  const y = f32at(ldp(ctx, C_TARGET), row);
  if (out == 3) {
    reconstructionError(ctx, z, g, nOut, row, x);
  } else if (out == 2) {
    // offset_column: the row's offset joins the linear output before the loss (spec §1.12).
    const op = ldp(ctx, C_OFFSET);
    if (op != 0) setf(z, 0, f32at(z, 0) + f32at(op, row));
    setf(g, 0, regressionGradient(ldi(ctx, C_DIST), ldf(ctx, C_DIST_A), y, f32at(z, 0)));
  } else {
    const t = <i32>y;
    if (out == 0) {
      for (let c = 0; c < nOut; c++) setf(g, c, f32at(z, c) - (c == t ? <f32>1 : <f32>0));
    } else {
      let d: f32 = 0; // exact gradient of ½‖p − t‖² through the softmax
      for (let c = 0; c < nOut; c++) d += (f32at(z, c) - (c == t ? <f32>1 : <f32>0)) * f32at(z, c);
      for (let c = 0; c < nOut; c++) {
        const p = f32at(z, c);
        setf(g, c, p * (p - (c == t ? <f32>1 : <f32>0) - d));
      }
    }
  }
  const wp = ldp(ctx, C_WEIGHT);
  if (wp != 0) {
    const w = f32at(wp, row);
    for (let c = 0; c < nOut; c++) setf(g, c, f32at(g, c) * w);
  }
}

/** max_w2 on one row-major row of n weights: rescales it when its squared norm is above the cap. */
function constrainRow(w: usize, n: i32, cap: f32): void {
  const s = dot(w, w, n);
  if (s <= cap) return;
  const f = Mathf.sqrt(cap / s);
  for (let i = 0; i < n; i++) setf(w, i, f32at(w, i) * f);
}

/** max_w2: rescales the touched rows (G ≠ 0, or all without skip) whose squared norm is above the cap. */
function constrain(ctx: usize, lay: usize, G: usize): void {
  const cap = ldf(ctx, C_MAXW2);
  if (cap == 0 || ldi(lay, L_ROWMAJOR) != 0) return;
  const norm = ldp(lay, L_NORM), W = ldp(lay, L_W);
  const rows = ldi(lay, L_ROWS), nIn = ldi(lay, L_IN);
  const skip = ldi(ctx, C_SKIP) != 0;
  for (let r = 0; r < rows; r++) {
    if (skip && f32at(G, r) == 0) continue;
    const s = f32at(norm, r);
    if (s <= cap) continue;
    const f = Mathf.sqrt(cap / s);
    let s2: f32 = 0;
    for (let i = 0; i < nIn; i++) {
      const p = W + (<usize>(i * rows + r) << 2);
      const w = load<f32>(p) * f;
      store<f32>(p, w);
      s2 += w * w;
    }
    setf(norm, r, s2);
  }
}

/** Recomputes every row's squared norm exactly (before each training call; updates then keep them current). */
export function refresh_norms(ctx: usize): void {
  const L1 = ldi(ctx, C_LAYERS);
  for (let m = 0; m < L1; m++) {
    const lay = layer(ctx, m);
    const norm = ldp(lay, L_NORM);
    if (norm == 0 || ldi(lay, L_ROWMAJOR) != 0) continue;
    const rows = ldi(lay, L_ROWS), nIn = ldi(lay, L_IN), W = ldp(lay, L_W);
    zerof(norm, rows);
    for (let i = 0; i < nIn; i++) {
      const p = W + (<usize>(i * rows) << 2);
      for (let r = 0; r < rows; r++) {
        const w = f32at(p, r);
        setf(norm, r, f32at(norm, r) + w * w);
      }
    }
  }
}

/** Level 0 of one row: its live inputs (non-zero and kept by input dropout), drawn in input order. */
function inputs(ctx: usize, lev: usize, row: i32): void {
  const list = ldp(lev, T_LIST), val = ldp(lev, T_VAL);
  const thr = <u32>ldi(ctx, C_IN_DROP);
  const dense = ldp(ctx, C_DENSE);
  let n = 0;
  if (dense != 0) {
    const n0 = ldi(ctx, C_N0);
    const x = dense + (<usize>(row * n0) << 2);
    for (let i = 0; i < n0; i++) {
      const v = f32at(x, i);
      if (v == 0) continue;
      if (thr != 0 && !keep(thr)) continue;
      seti(list, n, i);
      setf(val, n++, v);
    }
  } else {
    const indptr = ldp(ctx, C_INDPTR), index = ldp(ctx, C_INDEX), value = ldp(ctx, C_VALUE);
    const end = i32at(indptr, row + 1);
    for (let j = i32at(indptr, row); j < end; j++) {
      const v = f32at(value, j);
      if (v == 0) continue;
      if (thr != 0 && !keep(thr)) continue;
      seti(list, n, i32at(index, j));
      setf(val, n++, v);
    }
  }
  seti(lev, T_COUNT, n);
}

/** Trains on one row: H2O's per-sample step. */
function trainOne(ctx: usize, tctx: usize, row: i32, samples: f64, pass: i32): void {
  reseed(hash4(<u32>ldi(ctx, C_SEED0), <u32>ldi(ctx, C_SEED1), <u32>pass, <u32>row));
  const L1 = ldi(ctx, C_LAYERS), act = ldi(ctx, C_ACT), channels = ldi(ctx, C_CHANNELS);
  inputs(ctx, level(tctx, 0), row);

  // Forward.
  for (let m = 0; m < L1; m++) {
    const lay = layer(ctx, m), below = level(tctx, m), above = level(tctx, m + 1);
    const rows = ldi(lay, L_ROWS), units = ldi(lay, L_UNITS), W = ldp(lay, L_W);
    const z = ldp(above, T_Z);
    const list = ldp(below, T_LIST), val = ldp(below, T_VAL), n = ldi(below, T_COUNT);
    const rowMajor = ldi(lay, L_ROWMAJOR) != 0;
    const nIn = ldi(lay, L_IN), x = ldp(below, T_DENSE);
    if (rowMajor) {
      // Dense input vector; each unit's pre-activation is computed below, only if it is kept.
      zerof(x, nIn);
      for (let k = 0; k < n; k++) setf(x, i32at(list, k), f32at(val, k));
    } else {
      copyf(z, ldp(lay, L_B), rows);
      let k = 0;
      for (; k + 4 <= n; k += 4) {
        axpy4(z, rowOf(W, list, k, rows), f32at(val, k), rowOf(W, list, k + 1, rows), f32at(val, k + 1),
          rowOf(W, list, k + 2, rows), f32at(val, k + 2), rowOf(W, list, k + 3, rows), f32at(val, k + 3), rows);
      }
      for (; k < n; k++) axpy(z, rowOf(W, list, k, rows), f32at(val, k), rows);
    }
    if (m == L1 - 1) {
      if (rowMajor) for (let r = 0; r < rows; r++) setf(z, r, f32at(ldp(lay, L_B), r) + dot(W + (<usize>(r * nIn) << 2), x, nIn));
      if (ldi(ctx, C_OUTPUT) < 2) softmax(z, units);
      break;
    }
    // Hidden layer: dropout mask from the row's stream, activation, live list.
    const thr = <u32>ldi(lay, L_DROP);
    const olist = ldp(above, T_LIST), oval = ldp(above, T_VAL), owin = ldp(above, T_WIN);
    const bias = ldp(lay, L_B);
    let c = 0;
    for (let j = 0; j < units; j++) {
      if (thr != 0 && !keep(thr)) continue;
      if (rowMajor) {
        for (let q = 0; q < channels; q++) {
          const r = j * channels + q;
          setf(z, r, f32at(bias, r) + dot(W + (<usize>(r * nIn) << 2), x, nIn));
        }
      }
      if (act == 1) {
        const a = f32at(z, j);
        if (a > 0) {
          seti(olist, c, j);
          setf(oval, c++, a);
        }
      } else if (act == 0) {
        seti(olist, c++, j); // its tanh below, four units at a time
      } else if (act == ACT_HOST) {
        seti(olist, c++, j); // its value below, from the host
      } else {
        const z0 = f32at(z, j * channels), z1 = f32at(z, j * channels + 1);
        seti(olist, c, j);
        seti(owin, c, z1 > z0 ? 1 : 0);
        setf(oval, c++, z1 > z0 ? z1 : z0);
      }
    }
    if (act == 0) {
      // Every unit's tanh (a dropped unit's z is stale and unused), then the kept units' values.
      const A = ldp(above, T_A);
      let j = 0;
      for (; j + 4 <= units; j += 4) v128.store(A + (<usize>j << 2), tanh4(v128.load(z + (<usize>j << 2))));
      for (; j < units; j++) setf(A, j, Mathf.tanh(f32at(z, j)));
      for (let k = 0; k < c; k++) setf(oval, k, f32at(A, i32at(olist, k)));
    } else if (act == ACT_HOST) {
      // Kept units' pre-activations, gathered, then f over them in one host call.
      const zk = ldp(above, T_A);
      for (let k = 0; k < c; k++) setf(zk, k, f32at(z, i32at(olist, k)));
      hostActivate(zk, oval, c);
    }
    seti(above, T_COUNT, c);
  }

  // Output error straight into the top G (no activation derivative at the output).
  const top = level(tctx, L1);
  const nOut = ldi(layer(ctx, L1 - 1), L_UNITS);
  outputError(ctx, ldp(top, T_Z), ldp(top, T_G), nOut, row, ldp(top, T_DENSE));

  // Backward: layer by layer from the top, errors through the weights before their update.
  const skip = ldi(ctx, C_SKIP) != 0;
  for (let m = L1 - 1; m >= 0; m--) {
    const lay = layer(ctx, m), below = level(tctx, m), above = level(tctx, m + 1);
    const rows = ldi(lay, L_ROWS), nIn = ldi(lay, L_IN);
    const W = ldp(lay, L_W), S0 = ldp(lay, L_SW0), S1 = ldp(lay, L_SW1), norm = ldp(lay, L_NORM);
    const G = ldp(above, T_G);
    loadRates(ctx, m + 1, samples);
    const list = ldp(below, T_LIST), val = ldp(below, T_VAL), n = ldi(below, T_COUNT);
    const E = ldp(below, T_E);
    if (ldi(lay, L_ROWMAJOR) != 0) {
      // Row-major layer (layer 0 on dense inputs): one run per active unit over the dense inputs.
      const x = ldp(below, T_DENSE), cap = ldf(ctx, C_MAXW2);
      const live = allNonZero(x, nIn); // one input vector for every unit's run
      for (let r = 0; r < rows; r++) {
        const g = f32at(G, r);
        if (skip && g == 0) continue;
        const off = <usize>(r * nIn) << 2;
        updateRun(W + off, S0 + off, S1 + off, x, g, nIn, 0, live);
        if (cap != 0) constrainRow(W + off, nIn, cap);
      }
    } else if (skip) {
      const live = allNonZero(G, rows); // one error vector for every live input's run
      for (let k = 0; k < n; k++) {
        const off = <usize>(i32at(list, k) * rows) << 2;
        if (m > 0) setf(E, k, updateRunDot(W + off, S0 + off, S1 + off, G, f32at(val, k), rows, norm, live));
        else updateRun(W + off, S0 + off, S1 + off, G, f32at(val, k), rows, norm, live);
      }
    } else {
      // fast_mode off: every weight takes its regularization step, live inputs also the data gradient.
      const dense = ldp(below, T_DENSE);
      zerof(dense, nIn);
      for (let k = 0; k < n; k++) {
        const off = <usize>(i32at(list, k) * rows) << 2;
        if (m > 0) setf(E, k, dot(W + off, G, rows));
        setf(dense, i32at(list, k), f32at(val, k));
      }
      for (let i = 0; i < nIn; i++) {
        const off = <usize>(i * rows) << 2;
        updateRun(W + off, S0 + off, S1 + off, G, f32at(dense, i), rows, norm);
      }
    }
    updateBiases(ldp(lay, L_B), ldp(lay, L_SB0), ldp(lay, L_SB1), G, rows);
    constrain(ctx, lay, G);
    if (m == 0) break;
    // Gradient at the layer below's pre-activations: e ⊙ f′; dropped and inactive units stay 0.
    const Gb = ldp(below, T_G), win = ldp(below, T_WIN);
    const unitsB = ldi(lay, L_IN);
    zerof(Gb, unitsB * channels);
    if (act == ACT_HOST) {
      // Gather the live units' z, take e · f′(z, a) from the host, scatter into Gb.
      const zk = ldp(below, T_M), gk = ldp(below, T_A), Zb = ldp(below, T_Z);
      for (let k = 0; k < n; k++) setf(zk, k, f32at(Zb, i32at(list, k)));
      hostActivateGrad(zk, val, E, gk, n);
      for (let k = 0; k < n; k++) setf(Gb, i32at(list, k), f32at(gk, k));
      continue;
    }
    for (let k = 0; k < n; k++) {
      const j = i32at(list, k), e = f32at(E, k);
      if (act == 1) setf(Gb, j, e);
      else if (act == 0) {
        const a = f32at(val, k);
        setf(Gb, j, e * (1 - a * a));
      } else setf(Gb, j * channels + i32at(win, k), e);
    }
  }
}

/**
 * Trains on `count` rows listed at `order` (i32 row indices): one row at a time, or in
 * mini-batches of the context's batch size. `samples` is the model's sample count before this
 * call and `stride` the number of threads sharing the work, so schedules see a global count.
 * Returns the number of samples trained.
 */
export function train_rows(ctx: usize, tctx: usize, order: usize, count: i32, samples: f64, pass: i32, stride: i32): i32 {
  const B = ldi(ctx, C_BATCH);
  let done = 0;
  if (B <= 1) {
    for (let k = 0; k < count; k++) {
      trainOne(ctx, tctx, i32at(order, k), samples + <f64>done * <f64>stride, pass);
      done++;
    }
    return done;
  }
  for (let k = 0; k < count; k += B) {
    const n = min(B, count - k);
    trainBatch(ctx, tctx, order + (<usize>k << 2), n, samples + <f64>done * <f64>stride, pass);
    done += n;
  }
  return done;
}

/** Mini-batch step: dense forward/backward on GEMMs, one averaged update per batch. */
function trainBatch(ctx: usize, tctx: usize, order: usize, B: i32, samples: f64, pass: i32): void {
  const L1 = ldi(ctx, C_LAYERS), act = ldi(ctx, C_ACT), channels = ldi(ctx, C_CHANNELS);
  const n0 = ldi(ctx, C_N0);
  const scratch = ldp(level(tctx, 0), T_GEMM);
  // Inputs and every mask of each row, drawn from the row's own stream in the reference order.
  const lev0 = level(tctx, 0);
  const A0 = ldp(lev0, T_A);
  zerof(A0, B * n0);
  for (let b = 0; b < B; b++) {
    const row = i32at(order, b);
    reseed(hash4(<u32>ldi(ctx, C_SEED0), <u32>ldi(ctx, C_SEED1), <u32>pass, <u32>row));
    inputs(ctx, lev0, row);
    const list = ldp(lev0, T_LIST), val = ldp(lev0, T_VAL), n = ldi(lev0, T_COUNT);
    const x = A0 + (<usize>(b * n0) << 2);
    for (let k = 0; k < n; k++) setf(x, i32at(list, k), f32at(val, k));
    for (let m = 0; m + 1 < L1; m++) {
      const lay = layer(ctx, m), units = ldi(lay, L_UNITS), thr = <u32>ldi(lay, L_DROP);
      const M = ldp(level(tctx, m + 1), T_M) + (<usize>(b * units) << 2);
      for (let j = 0; j < units; j++) setf(M, j, thr == 0 || keep(thr) ? 1 : 0);
    }
  }
  // Forward.
  for (let m = 0; m < L1; m++) {
    const lay = layer(ctx, m), below = level(tctx, m), above = level(tctx, m + 1);
    const rows = ldi(lay, L_ROWS), units = ldi(lay, L_UNITS), nIn = ldi(lay, L_IN);
    const Z = ldp(above, T_Z), A = ldp(below, T_A), bias = ldp(lay, L_B);
    for (let b = 0; b < B; b++) copyf(Z + (<usize>(b * rows) << 2), bias, rows);
    if (ldi(lay, L_ROWMAJOR) != 0) gemm_nt(B, rows, nIn, A, nIn, ldp(lay, L_W), nIn, Z, rows, 1, scratch);
    else if (sparseEnough(A, B * nIn, rows)) sparseForward(A, B, nIn, ldp(lay, L_W), rows, Z);
    else gemm_nn(B, rows, nIn, A, nIn, ldp(lay, L_W), rows, Z, rows, 1, scratch);
    if (m == L1 - 1) {
      if (ldi(ctx, C_OUTPUT) < 2) for (let b = 0; b < B; b++) softmax(Z + (<usize>(b * rows) << 2), units);
      break;
    }
    const Aout = ldp(above, T_A), M = ldp(above, T_M);
    if (act == ACT_HOST) {
      hostActivate(Z, Aout, B * units); // one channel: Z is (B × units) like A
      for (let i = 0; i < B * units; i++) setf(Aout, i, f32at(Aout, i) * f32at(M, i));
      continue;
    }
    for (let b = 0; b < B; b++) {
      for (let j = 0; j < units; j++) {
        const zi = b * rows;
        let a: f32;
        if (act == 1) a = max<f32>(f32at(Z, zi + j), 0);
        else if (act == 0) a = Mathf.tanh(f32at(Z, zi + j));
        else a = max<f32>(f32at(Z, zi + j * channels), f32at(Z, zi + j * channels + 1));
        setf(Aout, b * units + j, a * f32at(M, b * units + j));
      }
    }
  }
  // Output error.
  const top = level(tctx, L1);
  const nOut = ldi(layer(ctx, L1 - 1), L_UNITS);
  for (let b = 0; b < B; b++) {
    const o = <usize>(b * nOut) << 2;
    outputError(ctx, ldp(top, T_Z) + o, ldp(top, T_G) + o, nOut, i32at(order, b), ldp(top, T_DENSE));
  }
  // Backward.
  const scale: f32 = 1 / <f32>B;
  for (let m = L1 - 1; m >= 0; m--) {
    const lay = layer(ctx, m), below = level(tctx, m), above = level(tctx, m + 1);
    const rows = ldi(lay, L_ROWS), nIn = ldi(lay, L_IN);
    const W = ldp(lay, L_W), G = ldp(above, T_G), A = ldp(below, T_A);
    const dW = ldp(above, T_DW), db = ldp(above, T_DB);
    const rowMajor = ldi(lay, L_ROWMAJOR) != 0;
    zerof(db, rows);
    for (let b = 0; b < B; b++) axpy(db, G + (<usize>(b * rows) << 2), 1, rows);
    loadRates(ctx, m + 1, samples);
    const S0 = ldp(lay, L_SW0), S1 = ldp(lay, L_SW1), norm = ldp(lay, L_NORM);
    if (rowMajor) {
      // dW(rows × in) = Gᵀ·A; the error below is never needed (row-major is layer 0 only).
      gemm_tn(rows, nIn, B, G, rows, A, nIn, dW, nIn, 0, scratch);
      const cap = ldf(ctx, C_MAXW2), skipB = ldi(ctx, C_SKIP) != 0;
      for (let r = 0; r < rows; r++) {
        const off = <usize>(r * nIn) << 2;
        updateRun(W + off, S0 + off, S1 + off, dW + off, scale, nIn, 0, allNonZero(dW + off, nIn));
        if (cap != 0 && (!skipB || f32at(db, r) != 0)) constrainRow(W + off, nIn, cap);
      }
    } else if (sparseEnough(A, B * nIn, rows)) {
      // Sparse inputs: one pass over the rows of Wᵀ computes each input's errors (before its row
      // changes), its gradient row and its update, so W and its slots are streamed once.
      sparseBackward(A, m > 0 ? ldp(below, T_E) : 0, ldp(below, T_M), act, B, nIn, W, S0, S1, rows, G, dW, scale, norm);
    } else {
      if (m > 0) gemm_nt(B, nIn, rows, G, rows, W, rows, ldp(below, T_E), nIn, 0, scratch);
      gemm_tn(nIn, rows, B, A, nIn, G, rows, dW, rows, 0, scratch);
      for (let i = 0; i < nIn; i++) {
        const off = <usize>(i * rows) << 2;
        updateRun(W + off, S0 + off, S1 + off, dW + off, scale, rows, norm, allNonZero(dW + off, rows));
      }
    }
    for (let r = 0; r < rows; r++) setf(db, r, f32at(db, r) * scale);
    updateBiases(ldp(lay, L_B), ldp(lay, L_SB0), ldp(lay, L_SB1), db, rows);
    constrain(ctx, lay, db);
    if (m == 0) break;
    // G below = E ⊙ mask ⊙ f′ (Maxout: to the winning channel).
    const unitsB = ldi(lay, L_IN);
    const E = ldp(below, T_E), Ab = ldp(below, T_A), Mb = ldp(below, T_M), Gb = ldp(below, T_G), Zb = ldp(below, T_Z);
    const rowsB = unitsB * channels;
    if (act == ACT_HOST) {
      for (let i = 0; i < B * unitsB; i++) setf(E, i, f32at(E, i) * f32at(Mb, i));
      hostActivateGrad(Zb, Ab, E, Gb, B * unitsB);
      continue;
    }
    for (let b = 0; b < B; b++) {
      for (let j = 0; j < unitsB; j++) {
        const e = f32at(E, b * unitsB + j) * f32at(Mb, b * unitsB + j);
        const a = f32at(Ab, b * unitsB + j);
        if (act == 1) setf(Gb, b * rowsB + j, a > 0 ? e : 0);
        else if (act == 0) setf(Gb, b * rowsB + j, e * (1 - a * a));
        else {
          const z0 = f32at(Zb, b * rowsB + j * channels), z1 = f32at(Zb, b * rowsB + j * channels + 1);
          const w = z1 > z0 ? 1 : 0;
          setf(Gb, b * rowsB + j * channels + w, e);
          setf(Gb, b * rowsB + j * channels + 1 - w, 0);
        }
      }
    }
  }
}

/**
 * True when the row-wise sparse kernels beat the GEMMs (measured on this machine): wide layers
 * (rows ≥ 256, so each axpy or dot is long) whose inputs are at most ~35 % non-zero.
 */
function sparseEnough(A: usize, n: i32, rows: i32): bool {
  if (rows < 256) return false;
  let nz = 0;
  for (let i = 0; i < n; i++) if (f32at(A, i) != 0) nz++;
  return nz * 20 <= n * 7;
}

/** Z(B × rows) += A(B × nIn) · Wᵀ(nIn × rows), skipping zeros of A; each row of Wᵀ is read once. */
function sparseForward(A: usize, B: i32, nIn: i32, Wt: usize, rows: i32, Z: usize): void {
  for (let i = 0; i < nIn; i++) {
    const w = Wt + (<usize>(i * rows) << 2);
    for (let b = 0; b < B; b++) {
      const a = f32at(A, b * nIn + i);
      if (a != 0) axpy(Z + (<usize>(b * rows) << 2), w, a, rows);
    }
  }
}

/**
 * The mini-batch backward pass of one transposed layer, row by row of Wᵀ: the errors of the units
 * below that can carry a gradient (E, when E ≠ 0), from the row before it changes; the averaged
 * gradient row Σ_b a_bi·G_b into `row` (scratch of `rows` floats); then the row's update.
 */
function sparseBackward(A: usize, E: usize, M: usize, act: i32, B: i32, nIn: i32, Wt: usize, S0: usize, S1: usize, rows: i32, G: usize, row: usize, scale: f32, norm: usize): void {
  for (let i = 0; i < nIn; i++) {
    const off = <usize>(i * rows) << 2;
    zerof(row, rows);
    let any = false;
    for (let b = 0; b < B; b++) {
      const a = f32at(A, b * nIn + i);
      const g = G + (<usize>(b * rows) << 2);
      if (E != 0) {
        const live = act == 1 ? a > 0 : f32at(M, b * nIn + i) != 0;
        setf(E, b * nIn + i, live ? dot(Wt + off, g, rows) : 0);
      }
      if (a != 0) {
        axpy(row, g, a, rows);
        any = true;
      }
    }
    if (any || !skipping()) updateRun(Wt + off, S0 + off, S1 + off, row, scale, rows, norm, allNonZero(row, rows));
  }
}
