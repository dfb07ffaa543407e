/**
 * WGSL sources of the webgpu backend's kernels. Every kernel reads its sizes and scalars from a
 * 16-word uniform block (`pu(i)` as u32, `pf(i)` as f32) and its data from storage buffers bound
 * at 1, 2, …; plugin math is pasted in from the plugins' `wgsl` declarations.
 * @module
 */
import type { Activation } from "../../core/activation.ts";
import type { Distribution } from "../../core/distribution.ts";
import type { Optimizer } from "../../core/optimizer.ts";
import type { BoundRegularizer } from "../../core/backend.ts";

/** Threads per workgroup of the one-dimensional kernels. */
export const WG = 256;

const HEADER = `
struct Params { v: array<vec4<u32>, 4> }
@group(0) @binding(0) var<uniform> P: Params;
fn pu(i: u32) -> u32 { return P.v[i / 4u][i % 4u]; }
fn pf(i: u32) -> f32 { return bitcast<f32>(pu(i)); }
`;

/** Storage declarations for bindings 1 … n named b1 … bn. */
function storage(n: number): string {
  let s = "";
  for (let k = 1; k <= n; k++) s += `@group(0) @binding(${k}) var<storage, read_write> b${k}: array<f32>;\n`;
  return s;
}

/** A one-dimensional kernel over i < pu(0), dispatched as a 2-D grid when large. */
function elementwise(buffers: number, prelude: string, body: string): string {
  return `${HEADER}${storage(buffers)}${prelude}
@compute @workgroup_size(${WG})
fn main(@builtin(workgroup_id) wg: vec3<u32>, @builtin(num_workgroups) nwg: vec3<u32>, @builtin(local_invocation_id) l: vec3<u32>) {
  let i = (wg.y * nwg.x + wg.x) * ${WG}u + l.x;
  if (i >= pu(0)) { return; }
${body}
}`;
}

/**
 * Tiled matrix product C(M, N) = Σ_k A(m, k)·B(k, n), 64×64 tiles, 16×16 threads with 4×4 outputs
 * each, K in steps of 16. `a`/`b` are WGSL expressions of (m, k)/(k, n) reading b1/b2; `out`
 * writes `v` at (m, n). Sizes M, N, K in pu(0 … 2).
 */
function gemm(buffers: number, a: string, b: string, out: string): string {
  return `${HEADER}${storage(buffers)}
var<workgroup> As: array<f32, 1024>;
var<workgroup> Bs: array<f32, 1024>;
@compute @workgroup_size(16, 16)
fn main(@builtin(workgroup_id) wg: vec3<u32>, @builtin(local_invocation_id) l: vec3<u32>) {
  let M = pu(0); let N = pu(1); let K = pu(2);
  let m0 = wg.y * 64u; let n0 = wg.x * 64u;
  let tid = l.y * 16u + l.x;
  var acc: array<f32, 16>;
  for (var k0 = 0u; k0 < K; k0 += 16u) {
    for (var t = 0u; t < 4u; t++) {
      let e = tid + t * 256u;
      let am = m0 + e % 64u; let ak = k0 + e / 64u;
      var av = 0.0;
      if (am < M && ak < K) { let m = am; let k = ak; av = ${a}; }
      As[(e / 64u) * 64u + e % 64u] = av;
      let bn = n0 + e % 64u; let bk = k0 + e / 64u;
      var bv = 0.0;
      if (bn < N && bk < K) { let n = bn; let k = bk; bv = ${b}; }
      Bs[(e / 64u) * 64u + e % 64u] = bv;
    }
    workgroupBarrier();
    for (var kk = 0u; kk < 16u; kk++) {
      var ar: array<f32, 4>; var br: array<f32, 4>;
      for (var i = 0u; i < 4u; i++) { ar[i] = As[kk * 64u + l.y + 16u * i]; br[i] = Bs[kk * 64u + l.x + 16u * i]; }
      for (var i = 0u; i < 4u; i++) { for (var j = 0u; j < 4u; j++) { acc[i * 4u + j] = fma(ar[i], br[j], acc[i * 4u + j]); } }
    }
    workgroupBarrier();
  }
  for (var i = 0u; i < 4u; i++) {
    for (var j = 0u; j < 4u; j++) {
      let m = m0 + l.y + 16u * i; let n = n0 + l.x + 16u * j;
      if (m < M && n < N) { let v = acc[i * 4u + j]; ${out} }
    }
  }
}`;
}

/** Y(M=batch, N=out) = X(batch, K=in) · Wᵀ + b: b1 = X, b2 = W (out, in), b3 = b, b4 = Y. */
export const AFFINE = gemm(4, "b1[m * K + k]", "b2[n * K + k]", "b4[m * N + n] = v + b3[n];");
/** dX(M=batch, N=in) = dY(batch, K=out) · W: b1 = dY, b2 = W, b3 = dX. */
export const AFFINE_DX = gemm(3, "b1[m * K + k]", "b2[k * N + n]", "b3[m * N + n] = v;");
/** dW(M=out, N=in) = scale · dYᵀ · X over K = batch: b1 = dY, b2 = X, b3 = dW; scale pf(3). */
export const AFFINE_DW = gemm(3, "b1[k * M + m]", "b2[k * N + n]", "b3[m * N + n] = pf(3u) * v;");
/** db[o] = scale · Σ_r dY[r, o]: b1 = dY, b2 = db; n = out (pu 0), batch pu(1), scale pf(2). */
export const COLSUM = elementwise(2, "", `  var s = 0.0;
  for (var r = 0u; r < pu(1u); r++) { s += b1[r * pu(0u) + i]; }
  b2[i] = pf(2u) * s;`);

/** dst[i] = value (pf 1). */
export const FILL = elementwise(1, "", "  b1[i] = pf(1u);");

/**
 * offset_column in the fused trainer: adds each batch row's offset to its output pre-activations.
 * b1 = Z (rows × width pu(1)), b2 = the order (the batch starts at pu(2)), b3 = tw (target,
 * weight, offset per training row, as the batch set-up reads it).
 */
export const ADD_ROW_OFFSET = `${HEADER}
@group(0) @binding(1) var<storage, read_write> Z: array<f32>;
@group(0) @binding(2) var<storage, read_write> order: array<u32>;
@group(0) @binding(3) var<storage, read_write> tw: array<f32>;
@compute @workgroup_size(${WG})
fn main(@builtin(workgroup_id) wg: vec3<u32>, @builtin(num_workgroups) nwg: vec3<u32>, @builtin(local_invocation_id) l: vec3<u32>) {
  let i = (wg.y * nwg.x + wg.x) * ${WG}u + l.x;
  if (i >= pu(0)) { return; }
  Z[i] = Z[i] + tw[3u * order[pu(2u) + i / pu(1u)] + 2u];
}`;

/** Row-wise softmax shifted by the row maximum: b1 = Z, b2 = P; rows pu(0), width pu(1). */
export const SOFTMAX = elementwise(2, "", `  let w = pu(1u); let o = i * w;
  var mx = b1[o];
  for (var c = 1u; c < w; c++) { mx = max(mx, b1[o + c]); }
  var s = 0.0;
  for (var c = 0u; c < w; c++) { let e = exp(b1[o + c] - mx); b2[o + c] = e; s += e; }
  for (var c = 0u; c < w; c++) { b2[o + c] = b2[o + c] / s; }`);

/** Softmax output error: b1 = P, b2 = T, b3 = E; rows pu(0), width pu(1), pu(2) = 1 for Quadratic. */
export const SOFTMAX_GRAD = elementwise(3, "", `  let w = pu(1u); let o = i * w;
  if (pu(2u) == 0u) { for (var c = 0u; c < w; c++) { b3[o + c] = b1[o + c] - b2[o + c]; } return; }
  var dot = 0.0;
  for (var k = 0u; k < w; k++) { dot += (b1[o + k] - b2[o + k]) * b1[o + k]; }
  for (var c = 0u; c < w; c++) { b3[o + c] = b1[o + c] * (b1[o + c] - b2[o + c] - dot); }`);

/** Maxout: b1 = Z (batch, units·ch), b2 = A; n = batch·units (pu 0), channels pu(1). */
export const CHANNEL_MAX = elementwise(2, "", `  let ch = pu(1u); let base = i * ch;
  var m = b1[base];
  for (var q = 1u; q < ch; q++) { if (b1[base + q] > m) { m = b1[base + q]; } }
  b2[i] = m;`);

/** Routes E to the winning channel: b1 = Z, b2 = E, b3 = G; n = batch·units, channels pu(1). */
export const CHANNEL_MAX_GRAD = elementwise(3, "", `  let ch = pu(1u); let base = i * ch;
  var win = 0u;
  for (var q = 1u; q < ch; q++) { if (b1[base + q] > b1[base + win]) { win = q; } }
  for (var q = 0u; q < ch; q++) { b3[base + q] = select(0.0, b2[i], q == win); }`);

/** won[u·ch + q] = 1 when channel q of unit u won in some row: b1 = Z, b2 = won; n = units, batch pu(1), channels pu(2). */
export const CHANNEL_WON = elementwise(2, "", `  let ch = pu(2u); let units = pu(0u);
  for (var q = 0u; q < ch; q++) { b2[i * ch + q] = 0.0; }
  for (var r = 0u; r < pu(1u); r++) {
    let base = (r * units + i) * ch;
    var win = 0u;
    for (var q = 1u; q < ch; q++) { if (b1[base + q] > b1[base + win]) { win = q; } }
    b2[i * ch + win] = 1.0;
  }`);

/** `p0 … p3` as f32 parameters of a plugin function. */
const PARAMS = "p0: f32, p1: f32, p2: f32, p3: f32";

/** outs[0] = f(ins[0]). */
export function activateKernel(a: Activation, inPlace: boolean): string {
  return elementwise(inPlace ? 1 : 2, `fn act_f(z: f32) -> f32 { return ${a.wgsl!.f}; }`, `  b${inPlace ? 1 : 2}[i] = act_f(b1[i]);`);
}

/** outs[0] = ins[2] · df(ins[0], ins[1]); `alias` names the input the output shares, if any. */
export function activateGradKernel(a: Activation, alias: number): string {
  const n = alias >= 0 ? 3 : 4;
  const out = alias >= 0 ? `b${alias + 1}` : "b4";
  return elementwise(n, `fn act_df(z: f32, a: f32) -> f32 { return ${a.wgsl!.df}; }`, `  ${out}[i] = b3[i] * act_df(b1[i], b2[i]);`);
}

/** outs[0] = ins[0] · ins[1] (binding pattern given by `slots`: the binding of a, b, out). */
export function mulKernel(slots: readonly number[]): string {
  return elementwise(Math.max(...slots), "", `  b${slots[2]}[i] = b${slots[0]}[i] * b${slots[1]}[i];`);
}

/** outs[0] = ins[0] · factor (pf 1). */
export function scaleKernel(aliased: boolean): string {
  return elementwise(aliased ? 1 : 2, "", `  b${aliased ? 1 : 2}[i] = b1[i] * pf(1u);`);
}

/** outs[0] = gradient(y = ins[1], mu = linkInv(ins[0])), parameters in pf(1 … 4). */
export function outputGradKernel(d: Distribution, alias: number): string {
  const link = d.link === "log" ? "min(1e19, exp(eta))" : "eta";
  const out = alias >= 0 ? `b${alias + 1}` : "b3";
  return elementwise(alias >= 0 ? 2 : 3, `fn dist_grad(y: f32, mu: f32, ${PARAMS}) -> f32 { return ${d.wgsl!.gradient}; }`,
    `  let eta = b1[i];
  ${out}[i] = dist_grad(b2[i], ${link}, pf(1u), pf(2u), pf(3u), pf(4u));`);
}

/**
 * Parameter update, in place: b1 = P, b2 = dP, b3 … = slots, then the row mask when `masked`.
 * pu(1) = columns of P, pu(2) = skipZero; optimizer parameters pf(4 … 7); term t's pf(8 + 4t …).
 */
export function updateKernel(o: Optimizer, terms: readonly BoundRegularizer[], masked: boolean): string {
  const k = o.slots;
  const maskB = 3 + k;
  let fns = `fn opt_step(w0: f32, g: f32, s: ptr<function, array<f32, 4>>, ${PARAMS}) -> f32 {
  var w = w0; var s0 = (*s)[0]; var s1 = (*s)[1]; var s2 = (*s)[2]; var s3 = (*s)[3];
  ${o.wgsl!.step}
  (*s)[0] = s0; (*s)[1] = s1; (*s)[2] = s2; (*s)[3] = s3;
  return w;
}\n`;
  let gamma = "";
  terms.forEach((t, j) => {
    fns += `fn term${j}(w: f32, ${PARAMS}) -> f32 { return ${t.regularizer.wgsl!.gradient}; }\n`;
    const p = 8 + 4 * j;
    gamma += `  g = g + term${j}(w, pf(${p}u), pf(${p + 1}u), pf(${p + 2}u), pf(${p + 3}u));\n`;
  });
  let load = "", store = "";
  for (let j = 0; j < k; j++) {
    load += `  s[${j}] = b${3 + j}[i];\n`;
    store += `  b${3 + j}[i] = s[${j}];\n`;
  }
  return elementwise(2 + k + (masked ? 1 : 0), fns, `  let d = b2[i];
  if (pu(2u) != 0u && d == 0.0) { return; }
  ${masked ? `if (b${maskB}[i / pu(1u)] == 0.0) { return; }` : ""}
  let w = b1[i];
  var g = d;
${gamma}  var s: array<f32, 4>;
${load}  b1[i] = opt_step(w, g, &s, pf(4u), pf(5u), pf(6u), pf(7u));
${store}`);
}

/** Rescales rows: b1 = W; rows pu(0), cols pu(1); b2 = touched when `touched`; parameters pf(4 … 7). */
export function constrainKernel(c: BoundRegularizer, touched: boolean): string {
  return elementwise(touched ? 2 : 1, `fn con(s: f32, ${PARAMS}) -> f32 { return ${c.regularizer.wgsl!.constrain}; }`, `  ${touched ? "if (b2[i] == 0.0) { return; }" : ""}
  let cols = pu(1u); let o = i * cols;
  var s = 0.0;
  for (var c = 0u; c < cols; c++) { s += b1[o + c] * b1[o + c]; }
  let f = con(s, pf(4u), pf(5u), pf(6u), pf(7u));
  if (f != 1.0) { for (var c = 0u; c < cols; c++) { b1[o + c] = b1[o + c] * f; } }`);
}

/**
 * The fused trainer's batch set-up, one thread per batch row k < pu(0): gathers row
 * order[pu(1) + k] of the dense rows (width pu(2); with pu(6) = 1, row k of a batch the host
 * uploaded) into X, writes its one-hot (pu(4) = 1) or
 * numeric target into T (width pu(3)) and, when pu(5) = 1, its weight across RW's row (tw holds
 * target, weight and offset per row); then draws
 * the row's dropout masks from its own stream exactly as GenericNetwork does (core/rng.ts:
 * hashWords(seed0, seed1, pass, row) seeds xoshiro128**; one uniform per non-zero input, then one
 * per unit of each hidden layer with dropout). cfg = [layers with masks, seed0, seed1, pass, then
 * per layer: offset in M, units, keep threshold (keep iff the 24-bit draw ≥ it), is-input].
 */
export const BATCH_SETUP = `${HEADER}
@group(0) @binding(1) var<storage, read_write> order: array<u32>;
@group(0) @binding(2) var<storage, read_write> rows: array<f32>;
@group(0) @binding(3) var<storage, read_write> X: array<f32>;
@group(0) @binding(4) var<storage, read_write> T: array<f32>;
@group(0) @binding(5) var<storage, read_write> tw: array<f32>;
@group(0) @binding(6) var<storage, read_write> RW: array<f32>;
@group(0) @binding(7) var<storage, read_write> M: array<f32>;
@group(0) @binding(8) var<storage, read_write> cfg: array<u32>;
fn mix32(x: u32) -> u32 {
  var h = x;
  h ^= h >> 16u; h *= 0x85ebca6bu; h ^= h >> 13u; h *= 0xc2b2ae35u; h ^= h >> 16u;
  return h;
}
fn rotl(x: u32, k: u32) -> u32 { return (x << k) | (x >> (32u - k)); }
var<private> st: array<u32, 4>;
fn next() -> u32 {
  let r = rotl(st[1] * 5u, 7u) * 9u;
  let t = st[1] << 9u;
  st[2] ^= st[0]; st[3] ^= st[1]; st[1] ^= st[2]; st[0] ^= st[3]; st[2] ^= t; st[3] = rotl(st[3], 11u);
  return r;
}
@compute @workgroup_size(64)
fn main(@builtin(global_invocation_id) gid: vec3<u32>) {
  let k = gid.x;
  if (k >= pu(0u)) { return; }
  let row = order[pu(1u) + k];
  let width = pu(2u); let nOut = pu(3u);
  let src = select(row, k, pu(6u) == 1u); // rows too large for the device: this batch's rows only
  for (var i = 0u; i < width; i++) { X[k * width + i] = rows[src * width + i]; }
  for (var c = 0u; c < nOut; c++) { T[k * nOut + c] = 0.0; }
  let y = tw[3u * row];
  if (pu(4u) == 1u) { T[k * nOut + u32(y)] = 1.0; } else { T[k * nOut] = y; }
  if (pu(5u) == 1u) { for (var c = 0u; c < nOut; c++) { RW[k * nOut + c] = tw[3u * row + 1u]; } }
  let nm = cfg[0];
  if (nm == 0u) { return; }
  var h = 0x9e3779b9u;
  h = mix32((h ^ mix32(cfg[1])) + 0x7f4a7c15u);
  h = mix32((h ^ mix32(cfg[2])) + 0x7f4a7c15u);
  h = mix32((h ^ mix32(cfg[3])) + 0x7f4a7c15u);
  h = mix32((h ^ mix32(row)) + 0x7f4a7c15u);
  var x = h;
  for (var j = 0u; j < 4u; j++) { x = x + 0x9e3779b9u; st[j] = mix32(x); }
  if ((st[0] | st[1] | st[2] | st[3]) == 0u) { st[0] = 1u; }
  for (var l = 0u; l < nm; l++) {
    let off = cfg[4u + 4u * l]; let n = cfg[5u + 4u * l]; let thr = cfg[6u + 4u * l]; let isInput = cfg[7u + 4u * l];
    for (var i = 0u; i < n; i++) {
      var keep = 1.0;
      if (isInput == 0u || X[k * width + i] != 0.0) { keep = select(0.0, 1.0, (next() >> 8u) >= thr); }
      M[off + k * n + i] = keep;
    }
  }
}`;
