/**
 * The model file format, versions 1 and 2. Everything needed to predict travels in one file:
 *
 *   0   8 bytes  magic "TIDEMODL"
 *   8   u32      format version
 *   12  u32      header length H (bytes of UTF-8 JSON)
 *   16  H bytes  header: model data without arrays, plus an array table [{ name, length, offset }]
 *   …   padding to a multiple of 8, then the arrays as little-endian Float64
 *   end u32      CRC-32 of every byte before it
 *
 * The arrays are the state by name: "weights.m", "biases.m" and their optimizer slots
 * ("weights.m.slotk"); version 2 adds "mean_activation.m", an autoencoder's sparsity running
 * averages ρ̂ of hidden layer m + 1, so a checkpoint restart continues exactly. A file is written
 * with the lowest version that holds its arrays (1 without ρ̂), so older builds keep loading
 * every other model; version 1 files load as they always did (a sparse checkpoint's ρ̂ then restarts at 0).
 *
 * Loading checks the magic, the version, every length and the checksum before it builds
 * anything, then every field prediction reads against the layer table (preprocessing widths,
 * offsets and scale factors, class lists, dropout, finite weights), so a foreign, truncated,
 * corrupt or crafted file gets a clear error, never a wrong model.
 * @module
 */
import type { ModelData } from "../core/train/train.ts";
import { crc32 } from "../io/crc32.ts";
import { CodeVector, NumericVector } from "../frame/vector.ts";
import { networkWidth } from "../core/train/inputs.ts";
import type { PreprocessorSpec } from "../core/train/preprocess.ts";

const MAGIC = "TIDEMODL";
/** The newest format version this build writes; it reads versions up to this one. */
export const MODEL_FORMAT_VERSION = 2;

/** Arrays only version 2 may hold: the sparsity running averages. */
const V2_ARRAY = /^mean_activation\.\d+$/;

/** Serializes a model into the bytes of a model file. */
export function encodeModel(data: ModelData, producer = "tide"): Uint8Array {
  const arrays = Object.entries(data.state);
  let offset = 0;
  const table = arrays.map(([name, a]) => {
    const entry = { name, length: a.length, offset };
    offset += a.length * 8;
    return entry;
  });
  const { state: _omit, ...rest } = data;
  const header = new TextEncoder().encode(JSON.stringify({ producer, model: rest, arrays: table }, replacer));
  const start = align8(16 + header.length);
  const total = start + offset + 4;
  const out = new Uint8Array(total);
  const view = new DataView(out.buffer);
  out.set(new TextEncoder().encode(MAGIC), 0);
  view.setUint32(8, arrays.some(([name]) => V2_ARRAY.test(name)) ? 2 : 1, true);
  view.setUint32(12, header.length, true);
  out.set(header, 16);
  arrays.forEach(([, a], k) => {
    const base = start + table[k].offset;
    for (let i = 0; i < a.length; i++) view.setFloat64(base + i * 8, a[i], true);
  });
  view.setUint32(total - 4, crc32(out.subarray(0, total - 4)), true);
  return out;
}

/** Parses model-file bytes; throws `SyntaxError` (not a model, corrupt) or `RangeError` (version, truncated). */
export function decodeModel(bytes: Uint8Array, source = "the model file"): ModelData {
  if (bytes.length < 20 || new TextDecoder().decode(bytes.subarray(0, 8)) !== MAGIC) {
    throw new SyntaxError(`Cannot load ${source}: it is not a Tide model file (the first bytes should read "${MAGIC}")`);
  }
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const version = view.getUint32(8, true);
  if (version === 0) throw new SyntaxError(`Cannot load ${source}: its format version is 0, which no Tide writes: the file is corrupt`);
  if (version > MODEL_FORMAT_VERSION) {
    throw new RangeError(`Cannot load ${source}: format version ${version} is newer than this Tide reads (${MODEL_FORMAT_VERSION}); upgrade Tide`);
  }
  const hlen = view.getUint32(12, true);
  if (16 + hlen + 4 > bytes.length) throw new RangeError(`Cannot load ${source}: the file is truncated (${bytes.length} bytes, its header alone needs ${16 + hlen + 4})`);
  let header: { model: Omit<ModelData, "state">; arrays: { name: string; length: number; offset: number }[] };
  try {
    header = JSON.parse(new TextDecoder("utf-8", { fatal: true }).decode(bytes.subarray(16, 16 + hlen)), reviver);
  } catch {
    throw new SyntaxError(`Cannot load ${source}: the header is corrupt`);
  }
  checkHeader(header, source, version);
  const start = align8(16 + hlen);
  const dataBytes = header.arrays.reduce((s, a) => s + a.length * 8, 0);
  const expected = start + dataBytes + 4;
  if (bytes.length < expected) throw new RangeError(`Cannot load ${source}: the file is truncated (${bytes.length} of ${expected} bytes)`);
  if (bytes.length > expected) throw new SyntaxError(`Cannot load ${source}: ${bytes.length - expected} unexpected bytes after the data`);
  if (view.getUint32(expected - 4, true) !== crc32(bytes.subarray(0, expected - 4))) {
    throw new SyntaxError(`Cannot load ${source}: the checksum does not match, the file is corrupt`);
  }
  const state: Record<string, Float64Array> = {};
  for (const a of header.arrays) {
    const arr = new Float64Array(a.length);
    const base = start + a.offset;
    for (let i = 0; i < a.length; i++) arr[i] = view.getFloat64(base + i * 8, true);
    state[a.name] = arr;
    if (!/\.slot\d+$/.test(a.name)) {
      const bad = arr.findIndex((v) => !Number.isFinite(v));
      if (bad >= 0) throw new SyntaxError(`Cannot load ${source}: "${a.name}" holds ${arr[bad]} at index ${bad}; the model is unstable or the file is corrupt`);
    }
  }
  return { ...header.model, state } as ModelData;
}

/** Checks that a parsed header describes a model: its array table and the fields predictions need. */
function checkHeader(h: unknown, source: string, version: number): asserts h is { model: Omit<ModelData, "state">; arrays: { name: string; length: number; offset: number }[] } {
  const bad = (why: string): never => {
    throw new SyntaxError(`Cannot load ${source}: the header does not describe a Tide model (${why})`);
  };
  if (!h || typeof h !== "object" || Array.isArray(h)) bad("not an object");
  const { model, arrays } = h as { model?: Record<string, unknown>; arrays?: unknown };
  if (!Array.isArray(arrays)) bad("no array table");
  let offset = 0;
  const names = new Set<string>();
  for (const a of arrays as { name?: unknown; length?: unknown; offset?: unknown }[]) {
    if (!a || typeof a.name !== "string" || names.has(a.name)) bad("an array without a unique name");
    if (!Number.isSafeInteger(a.length) || (a.length as number) < 0) bad(`array "${a.name}" has an invalid length`);
    if (a.offset !== offset) bad(`array "${a.name}" is not where the table says`);
    names.add(a.name as string);
    offset += (a.length as number) * 8;
  }
  if (!model || typeof model !== "object") bad("no model");
  for (const field of ["modelId", "activation", "distribution", "optimizer", "problem", "params", "preprocessor", "output", "shape"]) {
    if (model![field] === undefined || model![field] === null) bad(`missing "${field}"`);
  }
  const units = (model!.shape as { units?: unknown }).units;
  if (!Array.isArray(units) || units.length < 2 || !units.every((u) => Number.isSafeInteger(u) && u > 0)) bad("invalid layer sizes");
  const u = units as number[];
  const lengths = new Map((arrays as { name: string; length: number }[]).map((a) => [a.name, a.length]));
  const channels = (model!.shape as { channels?: number }).channels ?? 1;
  for (let m = 0; m + 1 < u.length; m++) {
    const rows = u[m + 1] * (m + 2 < u.length ? channels : 1);
    if (lengths.get(`weights.${m}`) !== rows * u[m]) bad(`"weights.${m}" does not match the layer sizes`);
    if (lengths.get(`biases.${m}`) !== rows) bad(`"biases.${m}" does not match the layer sizes`);
  }
  for (const [name, length] of lengths) {
    const rho = version >= 2 ? /^mean_activation\.(\d+)$/.exec(name) : null;
    if (rho) {
      // ρ̂ of a hidden layer: one value per unit of hidden layer m + 1.
      const m = Number(rho[1]);
      if (m >= u.length - 2 || length !== u[m + 1]) bad(`"${name}" does not match the hidden layer sizes`);
      continue;
    }
    const m = /^(weights|biases)\.(\d+)(\.slot\d+)?$/.exec(name);
    if (!m || Number(m[2]) >= u.length - 1) bad(`unexpected array "${name}"`);
    if (m![3] && length !== lengths.get(`${m![1]}.${m![2]}`)) bad(`"${name}" does not match the layer sizes`);
  }
  checkModel(model as Record<string, unknown>, u, bad);
}

const isObject = (v: unknown): v is Record<string, unknown> => !!v && typeof v === "object" && !Array.isArray(v);
const finite = (v: unknown): v is number => typeof v === "number" && Number.isFinite(v);

/**
 * Checks the model's fields against its layer table: everything prediction reads (the
 * preprocessing, the response, dropout, the plugin names and their numbers), so a file with a
 * valid checksum but inconsistent contents is refused instead of predicting wrong numbers.
 */
function checkModel(model: Record<string, unknown>, units: readonly number[], bad: (why: string) => never): void {
  for (const f of ["modelId", "activation", "distribution", "optimizer"]) if (typeof model[f] !== "string") bad(`"${f}" is not a string`);
  if (model.problem !== "classification" && model.problem !== "regression" && model.problem !== "autoencoder") bad(`"problem" is ${JSON.stringify(model.problem)}`);
  if (model.softmaxLoss !== "CrossEntropy" && model.softmaxLoss !== "Quadratic") bad(`"softmaxLoss" is ${JSON.stringify(model.softmaxLoss)}`);
  const channels = (model.shape as { channels?: unknown }).channels;
  if (channels !== undefined && !(Number.isSafeInteger(channels) && (channels as number) >= 1)) bad(`"shape.channels" is invalid`);
  if (!isObject(model.params) || !isObject(model.output)) bad(`"params" or "output" must be an object`);
  for (const f of ["distributionParams", "optimizerParams"]) {
    if (!isObject(model[f]) || !Object.values(model[f] as object).every(finite)) bad(`"${f}" must hold finite numbers`);
  }
  const dropout = model.dropout;
  if (!Array.isArray(dropout) || dropout.length !== units.length - 1 || !dropout.every((d) => finite(d) && d >= 0 && d < 1)) {
    bad(`"dropout" needs one ratio in [0, 1) per layer but the output (${units.length - 1})`);
  }
  const prep = model.preprocessor as Record<string, unknown>;
  if (!isObject(prep)) bad(`"preprocessor" must be an object`);
  if (!["STANDARDIZE", "DESCALE", "NORMALIZE", "NONE"].includes(prep.mode as string)) bad(`"preprocessor.mode" is ${JSON.stringify(prep.mode)}`);
  if (typeof prep.useAllFactorLevels !== "boolean") bad(`"preprocessor.useAllFactorLevels" is not a boolean`);
  if (prep.weightsColumn !== null && typeof prep.weightsColumn !== "string") bad(`"preprocessor.weightsColumn" is invalid`);
  if (!Array.isArray(prep.inputs) || prep.inputs.length === 0) bad(`"preprocessor.inputs" is empty`);
  let offset = 0;
  const names = new Set<string>();
  for (const [k, inp] of (prep.inputs as Record<string, unknown>[]).entries()) {
    const what = `input ${k + 1}`;
    if (!isObject(inp) || typeof inp.name !== "string" || names.has(inp.name)) bad(`${what} has no unique name`);
    names.add(inp.name as string);
    if (inp.offset !== offset) bad(`${what} ("${inp.name}") starts at ${JSON.stringify(inp.offset)}, not at ${offset}`);
    if (inp.kind === "numeric") {
      // The mean is NaN for a column that was all missing in training (ignore_const_cols false).
      if (!finite(inp.sub) || !finite(inp.mul) || !(finite(inp.mean) || Number.isNaN(inp.mean))) bad(`${what} ("${inp.name}") has a non-finite scale factor`);
      offset += 1;
    } else if (inp.kind === "categorical") {
      const domain = inp.domain;
      if (!Array.isArray(domain) || !domain.every((d) => typeof d === "string") || new Set(domain).size !== domain.length) bad(`${what} ("${inp.name}") has an invalid level list`);
      const slots = (domain as string[]).length + (prep.useAllFactorLevels ? 1 : 0);
      if (inp.slots !== slots) bad(`${what} ("${inp.name}") has ${JSON.stringify(inp.slots)} slots for ${(domain as string[]).length} levels`);
      offset += slots;
    } else bad(`${what} has kind ${JSON.stringify(inp.kind)}`);
  }
  if (prep.width !== offset) bad(`the preprocessor width (${JSON.stringify(prep.width)}) differs from its inputs' ${offset} units`);
  // With feature hashing the one-hot slots share max_categorical_features buckets.
  const hashing = prep.hashing as { buckets?: unknown } | undefined;
  if (hashing !== undefined && hashing !== null && !(Number.isSafeInteger(hashing.buckets) && (hashing.buckets as number) > 0)) bad(`"preprocessor.hashing" is invalid`);
  const width = networkWidth(prep as unknown as PreprocessorSpec);
  if (width !== units[0]) bad(`the inputs take ${width} units but the input layer has ${units[0]}`);
  const r = prep.response as Record<string, unknown>;
  const nOut = units[units.length - 1];
  if (model.problem === "autoencoder") {
    // An autoencoder alone has no response: it reconstructs its n₀ inputs (spec §14.1).
    if (r !== null) bad(`an autoencoder with a response`);
    if (nOut !== units[0]) bad(`an autoencoder's output layer has ${nOut} units for ${units[0]} inputs`);
  } else if (!isObject(r) || typeof r.name !== "string") bad(`no response`);
  if (r?.kind === "categorical") {
    const domain = r.domain;
    if (model.problem !== "classification") bad(`a categorical response in a regression model`);
    if (!Array.isArray(domain) || domain.length < 2 || !domain.every((d) => typeof d === "string")) bad(`the response's class list is invalid`);
    if ((domain as string[]).length !== nOut) bad(`the response has ${(domain as string[]).length} classes but the output layer has ${nOut} units`);
  } else if (r?.kind === "numeric") {
    if (model.problem !== "regression") bad(`a numeric response in a classification model`);
    if (nOut !== 1) bad(`a numeric response needs 1 output unit, the output layer has ${nOut}`);
    if (![r.mean, r.sigma, r.sub, r.mul].every(finite)) bad(`the response's scale factors are not finite numbers`);
  } else if (model.problem !== "autoencoder") bad(`the response has kind ${JSON.stringify(r?.kind)}`);
  for (const key of ["trainingMetrics", "validationMetrics"]) {
    const m = (model.output as Record<string, unknown>)[key] as Record<string, unknown> | null | undefined;
    if (m === null || m === undefined) continue;
    if (!isObject(m)) bad(`"output.${key}" must be an object`);
    if (m.model_category === "Binomial" && !(finite(m.threshold) && (m.threshold as number) >= 0 && (m.threshold as number) <= 1)) bad(`"output.${key}.threshold" is not in [0, 1]`);
  }
}

function align8(n: number): number {
  return (n + 7) & ~7;
}

// JSON has no NaN, ±Infinity or typed arrays; tag them so a round trip is exact.
function replacer(_key: string, v: unknown): unknown {
  if (typeof v === "number" && !Number.isFinite(v)) return { $num: String(v) };
  // Frame columns the model keeps (cross-validation holdout predictions): their values, re-stored on load.
  if (v instanceof NumericVector) return { $vector: "numeric", values: Array.from(v, (x) => (Number.isFinite(x) ? x : { $num: String(x) })) };
  if (v instanceof CodeVector) return { $vector: "codes", storage: v.storage, length: v.length, fill: v.fill, values: v.raw ? Array.from(v.raw) : [] };
  if (v instanceof Float64Array || v instanceof Float32Array || v instanceof Int32Array) {
    return { $typed: v.constructor.name, values: Array.from(v, (x) => (Number.isFinite(x) ? x : { $num: String(x) })) };
  }
  return v;
}

function reviver(_key: string, v: unknown): unknown {
  if (v && typeof v === "object" && "$num" in v) return Number((v as { $num: string }).$num);
  if (v && typeof v === "object" && "$vector" in v) {
    const t = v as { $vector: string; values: number[]; storage?: string; length?: number; fill?: number };
    if (!Array.isArray(t.values)) throw new SyntaxError("a stored column has no values");
    if (t.$vector === "numeric") return NumericVector.from(Float64Array.from(t.values));
    if (t.$vector !== "codes") throw new SyntaxError(`unknown column type ${t.$vector}`);
    if (t.storage === "constant" || t.storage === "missing") return CodeVector.constant(t.length ?? 0, t.fill ?? -1);
    const levels = CODE_WIDTH_LEVELS[t.storage ?? ""];
    if (!levels) throw new SyntaxError(`unknown code storage ${t.storage}`);
    return CodeVector.from(t.values, levels); // the same width as was stored
  }
  if (isLegacyVector(v)) return legacyVector(v);
  if (v && typeof v === "object" && "$typed" in v) {
    const t = v as { $typed: string; values: number[] };
    const Ctor = { Float64Array, Float32Array, Int32Array }[t.$typed];
    if (!Ctor) throw new SyntaxError(`unknown array type ${t.$typed}`);
    return Ctor.from(t.values);
  }
  return v;
}

/** A numeric column as files written before `$vector` hold it: the vector's fields, its stored array as JSON made it. */
interface LegacyVector {
  length: number;
  storage: string;
  raw: ArrayLike<number> | Record<string, number> | null;
  bias: number | null;
  na: number | null;
}

function isLegacyVector(v: unknown): v is LegacyVector {
  if (!v || typeof v !== "object" || Array.isArray(v)) return false;
  const keys = Object.keys(v).sort().join();
  return keys === "bias,length,na,raw,storage" && Number.isSafeInteger((v as LegacyVector).length);
}

/**
 * Those files kept float arrays as `$typed` and 1-, 2- or 4-byte ones as objects keyed by index;
 * both are read back through the vector's own rule (value = stored + bias; `na` is missing).
 */
function legacyVector(v: LegacyVector): NumericVector {
  const raw = v.raw as Record<number, number> | null;
  const bias = v.bias ?? NaN, na = v.na ?? NaN; // JSON wrote NaN as null
  const values = Float64Array.from({ length: v.length }, (_, i) => {
    if (raw === null) return bias;
    const r = Number(raw[i]);
    return r === na ? NaN : r + bias;
  });
  return NumericVector.from(values);
}

/** The most levels each stored code width holds, so a revived CodeVector keeps its width. */
const CODE_WIDTH_LEVELS: Record<string, number> = { int8: 127, int16: 32767, int32: 2 ** 31 - 1 };

export { crc32 } from "../io/crc32.ts";
