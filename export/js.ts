/**
 * `tide export --format js`: one dependency-free ES module that scores rows as `tide predict`
 * does. `predict(row)` takes an object keyed by H2O column names with raw values (numbers,
 * strings, null or "" for missing) and returns H2O's prediction columns; `predictBatch(rows)`
 * maps it. It runs wherever ES modules do: Node, Bun, Deno, browsers. Weights travel as
 * base64 little-endian Float64, decoded once at import.
 * @module
 */
import type { ScoringModel } from "./model_view.ts";

const HIDDEN = new Set(["Tanh", "Rectifier", "Maxout"]);

/** Why a model cannot be exported to JavaScript, or undefined. */
export function jsRefusal(m: ScoringModel): string | undefined {
  for (const l of m.layers.slice(0, -1)) {
    if (!HIDDEN.has(l.activation)) {
      return `its activation "${l.activation}" is a plugin; the exported scorer computes Tanh, Rectifier and Maxout only (a plugin's function is not copied into the file)`;
    }
  }
  return undefined;
}

function base64(a: Float64Array): string {
  const bytes = new Uint8Array(a.length * 8);
  const view = new DataView(bytes.buffer);
  for (let i = 0; i < a.length; i++) view.setFloat64(i * 8, a[i], true);
  let bin = "";
  for (let i = 0; i < bytes.length; i += 0x8000) bin += String.fromCharCode(...bytes.subarray(i, i + 0x8000));
  return btoa(bin);
}

/** The module's source text. Throws `RangeError` when the model uses what the scorer cannot compute. */
export function exportJs(m: ScoringModel, producer: string, { float32 = false }: { float32?: boolean } = {}): string {
  const why = jsRefusal(m);
  if (why) throw new RangeError(`Cannot export model ${m.modelId} to JavaScript: ${why}`);
  const spec = {
    modelId: m.modelId,
    float32,
    width: m.width,
    inputScale: m.inputScale,
    inputs: m.inputs,
    layers: m.layers.map((l) => ({ rows: l.rows, cols: l.cols, activation: l.activation, channels: l.channels, outScale: l.outScale, W: base64(l.W), b: base64(l.b) })),
    response: m.response,
  };
  return `// ${m.modelId}: a standalone scorer written by ${producer}. No dependencies; an ES module for
// Node, Bun, Deno and browsers. predict(row) takes { column: raw value } (missing: null, undefined,
// "" or NaN) and returns H2O's prediction columns; predictBatch(rows) maps it.
const SPEC = ${JSON.stringify(spec)};

function decode(b64) {
  const bin = atob(b64);
  const view = new DataView(new ArrayBuffer(bin.length));
  for (let i = 0; i < bin.length; i++) view.setUint8(i, bin.charCodeAt(i));
  const out = new Float64Array(bin.length / 8);
  for (let i = 0; i < out.length; i++) out[i] = view.getFloat64(i * 8, true);
  return out;
}

const LAYERS = SPEC.layers.map((l) => ({ ...l, W: decode(l.W), b: decode(l.b) }));
// The first layer column by column: a row's zero inputs (most one-hot slots, sparse pixels) cost nothing.
const FIRST = LAYERS[0];
const FIRST_T = new Float64Array(FIRST.W.length);
for (let r = 0; r < FIRST.rows; r++) for (let c = 0; c < FIRST.cols; c++) FIRST_T[c * FIRST.rows + r] = FIRST.W[r * FIRST.cols + c];
const ACC = new (SPEC.float32 ? Float32Array : Float64Array)(FIRST.rows);
const INPUTS = SPEC.inputs.map((i) => (i.kind === "categorical" ? { ...i, index: new Map(i.domain.map((v, k) => [v, k])) } : i));
const RESPONSE = SPEC.response;
// Float32 models (the simd backend) are scored with Float32 rounding after every operation, as
// tide predict computes them; Float64 models in full precision.
const Arr = SPEC.float32 ? Float32Array : Float64Array;
const R = SPEC.float32 ? Math.fround : (v) => v;
const KC = SPEC.float32 ? 256 : Infinity;

// Column names of the output, as tide predict writes them (a class named like an earlier column gets a suffix).
const NAMES = (() => {
  const names = ["predict"];
  if (RESPONSE.kind === "categorical") {
    for (const level of RESPONSE.domain) {
      // H2O names an integer class "p<label>" (p0, p1 …), any other class by its label.
      const base = /^[+-]?\\d+$/.test(level) && Number(level) >= -(2 ** 31) && Number(level) <= 2 ** 31 - 1 ? "p" + level : level;
      let n = base, k = 1;
      while (names.includes(n)) n = base + k++;
      names.push(n);
    }
  }
  return names;
})();

/** The model's name, its predictor columns, its classes (classification) and its output columns. */
export const model = {
  modelId: SPEC.modelId,
  columns: SPEC.inputs.map((i) => i.name),
  response: RESPONSE.name,
  classes: RESPONSE.kind === "categorical" ? RESPONSE.domain.slice() : null,
  outputs: NAMES.slice(),
};

function toNumber(v) {
  if (typeof v === "number") return v;
  if (typeof v === "string") {
    const n = +v; // trims, and reads "NA" and other words as NaN
    return n === 0 && v.trim() === "" ? NaN : n;
  }
  if (v === null || v === undefined) return NaN;
  if (typeof v === "boolean") return v ? 1 : 0;
  return Number(v);
}

/** The network's raw outputs for one row: class probabilities, or the output unit's value. */
function forward(row) {
  let a = new Arr(SPEC.width);
  for (const inp of INPUTS) {
    const v = row[inp.name];
    if (inp.kind === "numeric") {
      const x = toNumber(v);
      a[inp.offset] = ((x === x ? x : inp.mean) - inp.sub) * inp.mul;
    } else {
      let code = -1;
      if (v !== null && v !== undefined && !(typeof v === "number" && v !== v) && String(v) !== "") {
        code = inp.index.get(String(v)) ?? -1;
      }
      const slot = code < 0 ? inp.slots - 1 : inp.slots === inp.domain.length + 1 ? code : code - 1;
      if (slot >= 0) a[inp.offset + slot] = 1;
    }
  }
  if (SPEC.inputScale !== 1) for (let i = 0; i < a.length; i++) a[i] *= SPEC.inputScale;
  for (const l of LAYERS) {
    const z = new Arr(l.rows);
    // Sums run in blocks of KC inputs, each block's sum added to the bias in turn: the order of
    // the SIMD backend's blocked GEMM, which matters under Float32 rounding.
    if (l === FIRST) {
      z.set(l.b);
      for (let k0 = 0; k0 < l.cols; k0 += KC) {
        ACC.fill(0, 0, l.rows);
        for (let c = k0; c < Math.min(l.cols, k0 + KC); c++) {
          const x = a[c];
          if (x === 0) continue;
          const o = c * l.rows;
          for (let r = 0; r < l.rows; r++) ACC[r] += R(FIRST_T[o + r] * x);
        }
        for (let r = 0; r < l.rows; r++) z[r] += ACC[r];
      }
    } else {
      for (let r = 0; r < l.rows; r++) {
        let s = l.b[r];
        const o = r * l.cols;
        for (let k0 = 0; k0 < l.cols; k0 += KC) {
          let acc = 0;
          for (let c = k0; c < Math.min(l.cols, k0 + KC); c++) acc = R(acc + R(l.W[o + c] * a[c]));
          s = R(s + acc);
        }
        z[r] = s;
      }
    }
    if (l.activation === "softmax") {
      let max = -Infinity, sum = 0;
      for (let k = 0; k < z.length; k++) max = Math.max(max, z[k]);
      for (let k = 0; k < z.length; k++) sum = R(sum + (z[k] = Math.exp(R(z[k] - max))));
      if (SPEC.float32) {
        const inv = R(1 / sum);
        for (let k = 0; k < z.length; k++) z[k] *= inv;
      } else for (let k = 0; k < z.length; k++) z[k] /= sum;
      a = z;
    } else if (l.activation === "linear") {
      a = z;
    } else {
      const n = l.rows / l.channels;
      const out = new Arr(n);
      for (let u = 0; u < n; u++) {
        let v = z[u * l.channels];
        for (let q = 1; q < l.channels; q++) v = Math.max(v, z[u * l.channels + q]);
        const y = R(l.activation === "Tanh" ? Math.tanh(v) : l.activation === "Rectifier" ? (v > 0 ? v : 0) : v);
        out[u] = l.outScale === 1 ? y : y * l.outScale;
      }
      a = out;
    }
  }
  return a;
}

/** Scores one row: { predict, …one probability per class } or { predict }. */
export function predict(row) {
  const out = forward(row);
  const result = {};
  if (RESPONSE.kind === "numeric") {
    const eta = out[0] / RESPONSE.mul + RESPONSE.sub;
    result.predict = RESPONSE.link === "log" ? Math.min(1e19, Math.exp(eta)) : eta;
    return result;
  }
  let best = 0;
  if (out.length === 2) best = out[1] >= RESPONSE.threshold ? 1 : 0;
  else for (let k = 1; k < out.length; k++) if (out[k] > out[best]) best = k;
  result.predict = RESPONSE.domain[best];
  for (let k = 0; k < out.length; k++) result[NAMES[k + 1]] = out[k];
  return result;
}

/** Scores many rows. */
export function predictBatch(rows) {
  return Array.from(rows, predict);
}
`;
}
