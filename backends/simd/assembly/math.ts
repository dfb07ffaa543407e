// Scalar and vector helpers shared by the kernels.

// @ts-ignore: decorator
@inline export function ldi(base: usize, field: i32): i32 {
  return load<i32>(base + (<usize>field << 2));
}
// @ts-ignore: decorator
@inline export function ldf(base: usize, field: i32): f32 {
  return load<f32>(base + (<usize>field << 2));
}
// @ts-ignore: decorator
@inline export function ldp(base: usize, field: i32): usize {
  return <usize>load<i32>(base + (<usize>field << 2));
}
// @ts-ignore: decorator
@inline export function f32at(p: usize, i: i32): f32 {
  return load<f32>(p + (<usize>i << 2));
}
// @ts-ignore: decorator
@inline export function setf(p: usize, i: i32, v: f32): void {
  store<f32>(p + (<usize>i << 2), v);
}
// @ts-ignore: decorator
@inline export function i32at(p: usize, i: i32): i32 {
  return load<i32>(p + (<usize>i << 2));
}
// @ts-ignore: decorator
@inline export function seti(p: usize, i: i32, v: i32): void {
  store<i32>(p + (<usize>i << 2), v);
}

/** y[0 … n) += a · x[0 … n) */
export function axpy(y: usize, x: usize, a: f32, n: i32): void {
  const va = f32x4.splat(a);
  let i = 0;
  for (; i + 8 <= n; i += 8) {
    const o = <usize>i << 2;
    v128.store(y + o, f32x4.add(v128.load(y + o), f32x4.mul(va, v128.load(x + o))));
    v128.store(y + o + 16, f32x4.add(v128.load(y + o + 16), f32x4.mul(va, v128.load(x + o + 16))));
  }
  for (; i + 4 <= n; i += 4) {
    const o = <usize>i << 2;
    v128.store(y + o, f32x4.add(v128.load(y + o), f32x4.mul(va, v128.load(x + o))));
  }
  for (; i < n; i++) setf(y, i, f32at(y, i) + a * f32at(x, i));
}

/**
 * y[0 … n) += a0·x0 + a1·x1 + a2·x2 + a3·x3, added in that order: the same sums as four axpy
 * calls, with y read and written once instead of four times.
 */
export function axpy4(y: usize, x0: usize, a0: f32, x1: usize, a1: f32, x2: usize, a2: f32, x3: usize, a3: f32, n: i32): void {
  const v0 = f32x4.splat(a0), v1 = f32x4.splat(a1), v2 = f32x4.splat(a2), v3 = f32x4.splat(a3);
  let i = 0;
  for (; i + 4 <= n; i += 4) {
    const o = <usize>i << 2;
    let s = f32x4.add(v128.load(y + o), f32x4.mul(v0, v128.load(x0 + o)));
    s = f32x4.add(s, f32x4.mul(v1, v128.load(x1 + o)));
    s = f32x4.add(s, f32x4.mul(v2, v128.load(x2 + o)));
    v128.store(y + o, f32x4.add(s, f32x4.mul(v3, v128.load(x3 + o))));
  }
  for (; i < n; i++) setf(y, i, f32at(y, i) + a0 * f32at(x0, i) + a1 * f32at(x1, i) + a2 * f32at(x2, i) + a3 * f32at(x3, i));
}

/** Σ x[i]·y[i] over [0, n) */
export function dot(x: usize, y: usize, n: i32): f32 {
  let s0 = f32x4.splat(0), s1 = f32x4.splat(0);
  let i = 0;
  for (; i + 8 <= n; i += 8) {
    const o = <usize>i << 2;
    s0 = f32x4.add(s0, f32x4.mul(v128.load(x + o), v128.load(y + o)));
    s1 = f32x4.add(s1, f32x4.mul(v128.load(x + o + 16), v128.load(y + o + 16)));
  }
  for (; i + 4 <= n; i += 4) {
    const o = <usize>i << 2;
    s0 = f32x4.add(s0, f32x4.mul(v128.load(x + o), v128.load(y + o)));
  }
  const s = f32x4.add(s0, s1);
  let r = f32x4.extract_lane(s, 0) + f32x4.extract_lane(s, 1) + f32x4.extract_lane(s, 2) + f32x4.extract_lane(s, 3);
  for (; i < n; i++) r += f32at(x, i) * f32at(y, i);
  return r;
}

/** dst[0 … n) = src[0 … n) */
export function copyf(dst: usize, src: usize, n: i32): void {
  memory.copy(dst, src, <usize>n << 2);
}

/** p[0 … n) = 0 */
export function zerof(p: usize, n: i32): void {
  memory.fill(p, 0, <usize>n << 2);
}

/** sign as H2O's L1 uses it: −1, 0 or 1 */
// @ts-ignore: decorator
@inline export function signf(w: f32): f32 {
  return w > 0 ? 1 : w < 0 ? -1 : 0;
}

// @ts-ignore: decorator
@inline export function sign4(w: v128): v128 {
  const one = f32x4.splat(1);
  return f32x4.sub(v128.and(f32x4.gt(w, f32x4.splat(0)), one), v128.and(f32x4.lt(w, f32x4.splat(0)), one));
}

/** min(1e19, e^x), H2O's clamped exp for log links */
export function expClamped(x: f32): f32 {
  const e = <f32>Math.exp(<f64>x);
  return e > 1e19 ? <f32>1e19 : e;
}

/** Softmax of z[0 … n) in place, shifted by the maximum so no exponent overflows. */
export function softmax(z: usize, n: i32): void {
  let mx = f32at(z, 0);
  for (let c = 1; c < n; c++) mx = max(mx, f32at(z, c));
  let s: f32 = 0;
  for (let c = 0; c < n; c++) {
    const e = <f32>Math.exp(<f64>(f32at(z, c) - mx));
    setf(z, c, e);
    s += e;
  }
  const inv: f32 = 1 / s;
  for (let c = 0; c < n; c++) setf(z, c, f32at(z, c) * inv);
}

// tanh4: a rational minimax approximation x·P(x²)/Q(x²) (degrees 13/6, the coefficients of
// Eigen's float tanh), within 4e-7 of tanh on |x| < 7.9; lanes beyond fall back to Mathf.tanh so
// saturation (exactly ±1, a zero derivative) happens where the scalar kernels have it.
const TANH_CLAMP: f32 = 7.90531110763549805;

/** tanh of four lanes. */
// @ts-ignore: decorator
@inline export function tanh4(x: v128): v128 {
  const x2 = f32x4.mul(x, x);
  let p = f32x4.splat(-2.76076847742355e-16);
  p = f32x4.add(f32x4.mul(p, x2), f32x4.splat(2.00018790482477e-13));
  p = f32x4.add(f32x4.mul(p, x2), f32x4.splat(-8.60467152213735e-11));
  p = f32x4.add(f32x4.mul(p, x2), f32x4.splat(5.12229709037114e-8));
  p = f32x4.add(f32x4.mul(p, x2), f32x4.splat(1.48572235717979e-5));
  p = f32x4.add(f32x4.mul(p, x2), f32x4.splat(6.37261928875436e-4));
  p = f32x4.add(f32x4.mul(p, x2), f32x4.splat(4.89352455891786e-3));
  let q = f32x4.splat(1.19825839466702e-6);
  q = f32x4.add(f32x4.mul(q, x2), f32x4.splat(1.18534705686654e-4));
  q = f32x4.add(f32x4.mul(q, x2), f32x4.splat(2.26843463243900e-3));
  q = f32x4.add(f32x4.mul(q, x2), f32x4.splat(4.89352518554385e-3));
  let y = f32x4.div(f32x4.mul(x, p), q);
  if (v128.any_true(f32x4.ge(f32x4.abs(x), f32x4.splat(TANH_CLAMP)))) {
    y = f32x4.replace_lane(y, 0, Mathf.tanh(f32x4.extract_lane(x, 0)));
    y = f32x4.replace_lane(y, 1, Mathf.tanh(f32x4.extract_lane(x, 1)));
    y = f32x4.replace_lane(y, 2, Mathf.tanh(f32x4.extract_lane(x, 2)));
    y = f32x4.replace_lane(y, 3, Mathf.tanh(f32x4.extract_lane(x, 3)));
  }
  return y;
}
