// Parameter updates with the built-in optimizers and the L1/L2 terms, over one contiguous run
// of parameters that share one input activation `a` (a row of the transposed weight matrix),
// and the scalar form for biases. With `skip`, lanes whose data gradient g·a is 0 keep their
// value and optimizer state (H2O's fast_mode, the rule core/train/step.ts defines).
import { C_ANNEAL, C_DECAY, C_EPS, C_L1, C_L2, C_MOM0, C_MOM1, C_OPT, C_RAMP, C_RATE, C_RHO, C_SKIP } from "./layout";
import { dot, f32at, ldf, ldi, setf, sign4, signf } from "./math";

// Per-layer, per-moment optimizer settings, set by loadRates. Globals, not an object: globals
// belong to one module instance (one Worker), while any object would sit in the shared memory.
let r_opt: i32 = 0;
let r_rho: f32 = 0;
let r_eps: f32 = 0;
let r_rate: f32 = 0; // sgd/momentum: the annealed, decayed step, times 1 − momentum
let r_mom: f32 = 0;
let r_l1: f32 = 0;
let r_l2: f32 = 0;
let r_skip: bool = true;
let r_dot: v128 = i32x4.splat(0); // the vector loop's partial sums of W·g (updateRunDot)

/** Whether updates leave zero-gradient parameters untouched (fast_mode), as loadRates set it. */
export function skipping(): bool {
  return r_skip;
}

/** Sets the update settings for layer `layer` (1-based) after `samples` samples (spec §5.3, §5.4). */
export function loadRates(ctx: usize, layer: i32, samples: f64): void {
  r_opt = ldi(ctx, C_OPT);
  r_rho = ldf(ctx, C_RHO);
  r_eps = ldf(ctx, C_EPS);
  r_l1 = ldf(ctx, C_L1);
  r_l2 = ldf(ctx, C_L2);
  r_skip = ldi(ctx, C_SKIP) != 0;
  if (r_opt == 0) return;
  const rate = <f64>ldf(ctx, C_RATE), anneal = <f64>ldf(ctx, C_ANNEAL), decay = <f64>ldf(ctx, C_DECAY);
  const mom0 = <f64>ldf(ctx, C_MOM0), ramp = <f64>ldf(ctx, C_RAMP), mom1 = <f64>ldf(ctx, C_MOM1);
  const lr = rate * Math.pow(decay, <f64>(layer - 1)) / (1 + anneal * samples);
  let m: f64 = 0;
  if (r_opt >= 2) m = ramp > 0 && samples < ramp ? mom0 + (mom1 - mom0) * samples / ramp : mom1;
  r_rate = <f32>(lr * (1 - m));
  r_mom = <f32>m;
}

/**
 * Updates W[0 … n) (and slots S0, S1, and the per-row norms when `norm` ≠ 0) with data
 * gradients g[0 … n)·a. Returns nothing; masked lanes are left bit-for-bit unchanged.
 * `live`: the caller knows no g[i] is 0 (allNonZero), so fast_mode masks nothing and the vector
 * loop stores without lane selects (Tanh layers, dense inputs: every lane, every time).
 * The vector loop is specialized per optimizer and per use of L1/L2, norms and masks (all known
 * before the loop), so its body has no branches: wasm engines do not unswitch loops themselves.
 */
export function updateRun(W: usize, S0: usize, S1: usize, G: usize, a: f32, n: i32, norm: usize, live: bool = false): void {
  if (r_skip && a == 0) return;
  runUpdate(W, S0, S1, G, a, n, norm, live, false);
}

/**
 * updateRun that also returns Σ W[i]·g[i] over the run with W as it was before the update: the
 * error an input passes down (backpropagation through the row before its update), computed in
 * the same pass over W instead of a second one.
 */
export function updateRunDot(W: usize, S0: usize, S1: usize, G: usize, a: f32, n: i32, norm: usize, live: bool): f32 {
  if ((r_skip && a == 0) || r_opt != 0) {
    const e = dot(W, G, n);
    updateRun(W, S0, S1, G, a, n, norm, live);
    return e;
  }
  return runUpdate(W, S0, S1, G, a, n, norm, live, true);
}

// Dispatches to the specialized vector loop, then the scalar tail; returns the dot product when `withDot`.
// @ts-ignore: decorator
@inline function runUpdate(W: usize, S0: usize, S1: usize, G: usize, a: f32, n: i32, norm: usize, live: bool, withDot: bool): f32 {
  const reg = r_l1 != 0 || r_l2 != 0;
  let i: i32;
  r_dot = f32x4.splat(0);
  if (r_opt == 0) {
    if (r_skip && !live) {
      if (reg) i = norm != 0 ? adadeltaLoop(W, S0, S1, G, a, n, norm, true, true, true, withDot) : adadeltaLoop(W, S0, S1, G, a, n, norm, true, false, true, withDot);
      else i = norm != 0 ? adadeltaLoop(W, S0, S1, G, a, n, norm, false, true, true, withDot) : adadeltaLoop(W, S0, S1, G, a, n, norm, false, false, true, withDot);
    } else {
      if (reg) i = norm != 0 ? adadeltaLoop(W, S0, S1, G, a, n, norm, true, true, false, withDot) : adadeltaLoop(W, S0, S1, G, a, n, norm, true, false, false, withDot);
      else i = norm != 0 ? adadeltaLoop(W, S0, S1, G, a, n, norm, false, true, false, withDot) : adadeltaLoop(W, S0, S1, G, a, n, norm, false, false, false, withDot);
    }
  } else {
    i = reg ? rateLoop(W, S0, G, a, n, norm, true) : rateLoop(W, S0, G, a, n, norm, false);
  }
  const d = r_dot;
  let e: f32 = withDot ? f32x4.extract_lane(d, 0) + f32x4.extract_lane(d, 1) + f32x4.extract_lane(d, 2) + f32x4.extract_lane(d, 3) : 0;
  const useL1 = r_l1 != 0, useL2 = r_l2 != 0;
  for (; i < n; i++) {
    const g = f32at(G, i);
    const w = f32at(W, i);
    if (withDot) e += w * g;
    if (r_skip && g == 0) continue;
    const nw = step1(W, S0, S1, i, w, g * a + (useL1 ? r_l1 * signf(w) : 0) + (useL2 ? r_l2 * w : 0));
    if (norm != 0) setf(norm, i, f32at(norm, i) + nw * nw - w * w);
  }
  return e;
}

/** True when no element of g[0 … n) is 0 (so a run over it under fast_mode masks no lane). */
export function allNonZero(g: usize, n: i32): bool {
  const zero = f32x4.splat(0);
  let i = 0;
  for (; i + 4 <= n; i += 4) if (v128.any_true(f32x4.eq(v128.load(g + (<usize>i << 2)), zero))) return false;
  for (; i < n; i++) if (f32at(g, i) == 0) return false;
  return true;
}

/** The lanes to update: g ≠ 0 under fast_mode, every lane otherwise. */
// @ts-ignore: decorator
@inline function laneMask(g4: v128, skip: bool): v128 {
  return skip ? f32x4.ne(g4, f32x4.splat(0)) : i32x4.splat(-1);
}

/** One vector's gradient: data gradient g·a, plus l1·sign(w) + l2·w when regularized. */
// @ts-ignore: decorator
@inline function vectorGradient(g4: v128, va: v128, w: v128, l1: v128, l2: v128, reg: bool): v128 {
  const grad = f32x4.mul(g4, va);
  return reg ? f32x4.add(grad, f32x4.add(f32x4.mul(l1, sign4(w)), f32x4.mul(l2, w))) : grad;
}

/**
 * ADADELTA over whole vectors of W; returns where the scalar tail starts. With `masked` (fast_mode
 * and a gradient that may hold zeros) lanes whose gradient is 0 keep their values. The squared
 * step (1 − ρ)·dx² is computed as q·(1 − ρ)·g², q = (E[dx²] + ε)/(E[g²] + ε), the same quantity
 * as rate²·g² with one multiplication fewer.
 */
// @ts-ignore: decorator
@inline function adadeltaLoop(W: usize, S0: usize, S1: usize, G: usize, a: f32, n: i32, norm: usize, reg: bool, withNorm: bool, masked: bool, withDot: bool): i32 {
  const va = f32x4.splat(a), l1 = f32x4.splat(r_l1), l2 = f32x4.splat(r_l2);
  const rho = f32x4.splat(r_rho), omr = f32x4.splat(1 - r_rho), eps = f32x4.splat(r_eps);
  let acc = f32x4.splat(0);
  let i = 0;
  for (; i + 4 <= n; i += 4) {
    const o = <usize>i << 2;
    const g4 = v128.load(G + o);
    const mask = laneMask(g4, masked);
    if (masked && !v128.any_true(mask)) continue; // every g is 0: nothing to update, nothing to add
    const w = v128.load(W + o);
    if (withDot) acc = f32x4.add(acc, f32x4.mul(w, g4));
    const grad = vectorGradient(g4, va, w, l1, l2, reg);
    const edx = v128.load(S0 + o), eg = v128.load(S1 + o);
    const og2 = f32x4.mul(omr, f32x4.mul(grad, grad));
    const eg2 = f32x4.add(f32x4.mul(rho, eg), og2);
    const q = f32x4.div(f32x4.add(edx, eps), f32x4.add(eg2, eps));
    const dx = f32x4.mul(f32x4.sqrt(q), grad);
    const edx2 = f32x4.add(f32x4.mul(rho, edx), f32x4.mul(q, og2));
    const nw = masked ? v128.bitselect(f32x4.sub(w, dx), w, mask) : f32x4.sub(w, dx);
    v128.store(S0 + o, masked ? v128.bitselect(edx2, edx, mask) : edx2);
    v128.store(S1 + o, masked ? v128.bitselect(eg2, eg, mask) : eg2);
    v128.store(W + o, nw);
    if (withNorm) v128.store(norm + o, f32x4.add(v128.load(norm + o), f32x4.sub(f32x4.mul(nw, nw), f32x4.mul(w, w))));
  }
  if (withDot) r_dot = acc;
  return i;
}

/** sgd, momentum and Nesterov over whole vectors of W; returns where the scalar tail starts. */
// @ts-ignore: decorator
@inline function rateLoop(W: usize, S0: usize, G: usize, a: f32, n: i32, norm: usize, reg: bool): i32 {
  const va = f32x4.splat(a), l1 = f32x4.splat(r_l1), l2 = f32x4.splat(r_l2);
  const rate = f32x4.splat(r_rate), mom = f32x4.splat(r_mom), onePlusMom = f32x4.splat(1 + r_mom);
  const skip = r_skip, opt = r_opt;
  let i = 0;
  for (; i + 4 <= n; i += 4) {
    const o = <usize>i << 2;
    const g4 = v128.load(G + o);
    const mask = laneMask(g4, skip);
    if (skip && !v128.any_true(mask)) continue;
    const w = v128.load(W + o);
    const grad = vectorGradient(g4, va, w, l1, l2, reg);
    let nw: v128;
    if (opt == 1) nw = f32x4.sub(w, f32x4.mul(rate, grad));
    else {
      const v = v128.load(S0 + o);
      const v2 = f32x4.sub(f32x4.mul(mom, v), f32x4.mul(rate, grad));
      nw = opt == 2 ? f32x4.add(w, v2) : f32x4.add(f32x4.sub(w, f32x4.mul(mom, v)), f32x4.mul(onePlusMom, v2));
      v128.store(S0 + o, v128.bitselect(v2, v, mask));
    }
    nw = v128.bitselect(nw, w, mask);
    v128.store(W + o, nw);
    if (norm != 0) v128.store(norm + o, f32x4.add(v128.load(norm + o), f32x4.sub(f32x4.mul(nw, nw), f32x4.mul(w, w))));
  }
  return i;
}

/** Scalar update of parameter i with gradient `grad` (regularization already added); returns the new value. */
export function step1(P: usize, S0: usize, S1: usize, i: i32, w: f32, grad: f32): f32 {
  let nw: f32;
  if (r_opt == 0) {
    const edx = f32at(S0, i);
    const eg = r_rho * f32at(S1, i) + (1 - r_rho) * grad * grad;
    const rt = Mathf.sqrt((edx + r_eps) / (eg + r_eps));
    const dx = rt * grad;
    setf(S0, i, r_rho * edx + (1 - r_rho) * dx * dx);
    setf(S1, i, eg);
    nw = w - dx;
  } else if (r_opt == 1) {
    nw = w - r_rate * grad;
  } else {
    const v = f32at(S0, i);
    const v2 = r_mom * v - r_rate * grad;
    setf(S0, i, v2);
    nw = r_opt == 2 ? w + v2 : w - r_mom * v + (1 + r_mom) * v2;
  }
  setf(P, i, nw);
  return nw;
}

/** Bias update for units [0 … n) with gradients G, regularized like weights (ADADELTA on the bias's own gradient). */
export function updateBiases(Bp: usize, S0: usize, S1: usize, G: usize, n: i32): void {
  // A bias is a weight whose input is always 1: the same run, vectorized.
  updateRun(Bp, S0, S1, G, 1, n, 0, allNonZero(G, n));
}
