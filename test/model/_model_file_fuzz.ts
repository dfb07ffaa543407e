/**
 * The model-file loader's fuzz property, shared by the bounded test
 * (test/model/model_file_fuzz_test.ts) and the long run (scripts/fuzz.ts): every damaged file
 * (truncated, bytes flipped or spliced, or a header whose fields were changed and re-sealed with
 * a valid checksum) either fails with a SyntaxError/RangeError that starts "Cannot load", or
 * loads into a model that predicts without an internal error and round-trips through save.
 * @module
 */
import fc from "fast-check";
import { isInternal } from "../../cli/main.ts";
import type { ModelData } from "../../core/train/train.ts";
import { crc32, decodeModel, encodeModel } from "../../model/file.ts";
import { DeepLearningModel } from "../../model/model.ts";
import { referenceBackend } from "../../backends/reference/reference.ts";
import type { Frame } from "../../frame/frame.ts";

/** A change to a valid model file. */
export type Mutation =
  | { kind: "truncate"; at: number }
  | { kind: "flip"; at: number; xor: number }
  | { kind: "splice"; at: number; bytes: Uint8Array }
  | { kind: "field"; path: number; value: unknown }
  | { kind: "random"; bytes: Uint8Array };

const ODD_VALUES = [null, 0, -1, 1, 2, 1e9, -1e9, 0.5, NaN, Infinity, -Infinity, "", "x", "classification", "regression", "categorical", "numeric", [], [1], {}, true, false];

/** Mutations of a file of `size` bytes whose header JSON has `paths` leaf values. */
export function mutations(size: number, paths: number): fc.Arbitrary<Mutation> {
  const at = fc.integer({ min: 0, max: Math.max(0, size - 1) });
  return fc.oneof(
    at.map((n) => ({ kind: "truncate", at: n }) as Mutation),
    fc.tuple(at, fc.integer({ min: 1, max: 255 })).map(([n, xor]) => ({ kind: "flip", at: n, xor }) as Mutation),
    fc.tuple(at, fc.uint8Array({ minLength: 1, maxLength: 16 })).map(([n, bytes]) => ({ kind: "splice", at: n, bytes }) as Mutation),
    { weight: 4, arbitrary: fc.tuple(fc.integer({ min: 0, max: Math.max(0, paths - 1) }), fc.constantFrom(...ODD_VALUES)).map(([path, value]) => ({ kind: "field", path, value }) as Mutation) },
    fc.uint8Array({ maxLength: 64 }).map((bytes) => ({ kind: "random", bytes }) as Mutation),
  );
}

/** Applies a mutation; a field change re-encodes the header and re-seals the checksum. */
export function mutate(data: ModelData, bytes: Uint8Array, m: Mutation): Uint8Array {
  switch (m.kind) {
    case "truncate":
      return bytes.subarray(0, m.at);
    case "flip": {
      const b = bytes.slice();
      b[m.at] ^= m.xor;
      return b;
    }
    case "splice": {
      const b = new Uint8Array(bytes.length + m.bytes.length);
      b.set(bytes.subarray(0, m.at));
      b.set(m.bytes, m.at);
      b.set(bytes.subarray(m.at), m.at + m.bytes.length);
      return b;
    }
    case "random":
      return m.bytes;
    case "field":
      return resealed(data, m.path, m.value);
  }
}

/** Number of leaf values in the model's JSON header (what "field" mutations index). */
export function leafCount(data: ModelData): number {
  let n = 0;
  walk(headerModel(data), () => void n++);
  return n;
}

function headerModel(data: ModelData): Record<string, unknown> {
  const { state: _s, ...rest } = data;
  return structuredClone(rest) as Record<string, unknown>;
}

function walk(v: unknown, leaf: (parent: Record<string | number, unknown>, key: string | number) => void): void {
  if (!v || typeof v !== "object" || ArrayBuffer.isView(v)) return;
  for (const k of Object.keys(v)) {
    const child = (v as Record<string, unknown>)[k];
    if (child && typeof child === "object" && !ArrayBuffer.isView(child) && Object.keys(child).length) walk(child, leaf);
    else leaf(v as Record<string, unknown>, k);
  }
}

function resealed(data: ModelData, path: number, value: unknown): Uint8Array {
  const model = headerModel(data);
  let i = 0;
  walk(model, (parent, key) => {
    if (i++ === path) parent[key] = structuredClone(value);
  });
  const bytes = encodeModel({ ...(model as unknown as ModelData), state: data.state });
  new DataView(bytes.buffer).setUint32(bytes.length - 4, crc32(bytes.subarray(0, bytes.length - 4)), true);
  return bytes;
}

/** What one case did. */
export type ModelOutcome = "loaded" | "clean error";

/** Runs the property on one file; throws (failing the property) on a crash or an unclear error. */
export async function checkModelFile(bytes: Uint8Array, frame: Frame): Promise<ModelOutcome> {
  let data: ModelData;
  try {
    data = decodeModel(bytes, "fuzz.tide");
  } catch (e) {
    if (!(e instanceof SyntaxError || e instanceof RangeError) || !e.message.startsWith("Cannot load fuzz.tide: ") || isInternal(e)) throw e;
    return "clean error";
  }
  // It loaded: it must predict (or refuse cleanly) and save to bytes that load to the same data.
  try {
    const model = new DeepLearningModel(data, undefined, { backend: referenceBackend() });
    await model.predict(frame);
    model.close();
  } catch (e) {
    if (isInternal(e)) throw e;
  }
  const again = decodeModel(encodeModel(data), "re-encoded");
  if (JSON.stringify({ ...again, state: null }) !== JSON.stringify({ ...data, state: null })) throw new Error("the re-encoded model differs");
  return "loaded";
}
