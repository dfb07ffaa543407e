/**
 * User-supplied initial weights and biases (`initial_weights`, `initial_biases`, spec §2.6): one
 * frame per weight matrix, input layer first; an empty entry keeps that layer's random
 * initialization. A weight frame is the matrix itself (rows: units of the upper layer, times the
 * channels for Maxout; columns: units of the lower layer); a bias frame is one column with one
 * row per unit. Both lists or neither (H2O fails on one alone). Applied by a training hook at
 * `start`, after the random initialization, so shapes are checked against the actual network.
 * @module
 */
import type { Message } from "../params.ts";
import type { Frame } from "../../frame/frame.ts";
import { type Shape, weightRows } from "./network.ts";
import type { TrainingHook } from "./session.ts";

/** One entry: a frame, a frame with the name it came from (a CSV path), or null (keep random). */
export type InitialMatrix = Frame | { readonly frame: Frame; readonly source: string } | null;

/** The frames of initial_weights and initial_biases, one per weight matrix. */
export interface InitialState {
  readonly weights: readonly (Frame | null)[];
  readonly biases: readonly (Frame | null)[];
}

const FIELDS = ["initial_weights", "initial_biases"] as const;

/**
 * Takes the frames out of the user's values, leaving in their place what the model records
 * (each entry's source, "Frame R×C", or "" for a random layer). Errors are returned as messages.
 */
export function takeInitialState(input: Readonly<Record<string, unknown>>): { input: Record<string, unknown>; state: InitialState | null; messages: Message[] } {
  const messages: Message[] = [];
  const out: Record<string, unknown> = { ...input };
  const lists: Partial<Record<(typeof FIELDS)[number], (Frame | null)[]>> = {};
  for (const field of FIELDS) {
    const raw = input[field];
    if (raw === undefined || raw === null) continue;
    const items = Array.isArray(raw) ? raw : [raw];
    const frames: (Frame | null)[] = [];
    const labels: string[] = [];
    items.forEach((item, i) => {
      if (item === null || item === "") {
        frames.push(null);
        labels.push("");
      } else if (isFrame(item)) {
        frames.push(item);
        labels.push(`Frame ${item.nrow}×${item.ncol}`);
      } else if (item && typeof item === "object" && isFrame((item as { frame?: unknown }).frame)) {
        const it = item as { frame: Frame; source: string };
        frames.push(it.frame);
        labels.push(String(it.source));
      } else {
        const what = typeof item === "string" ? `the path ${JSON.stringify(item)}` : JSON.stringify(item) ?? String(item);
        messages.push({ level: "error", field, message: `"${field}"[${i}] is ${what}: give a Frame (or null to keep that layer random); DeepLearning and the CLI read CSV paths into frames` });
        frames.push(null);
        labels.push("");
      }
    });
    lists[field] = frames;
    out[field] = labels;
  }
  const given = FIELDS.filter((f) => lists[f]);
  if (given.length === 1) {
    const [has] = given;
    const other = has === "initial_weights" ? "initial_biases" : "initial_weights";
    messages.push({ level: "error", field: other, message: `"${has}" needs "${other}" too (one entry per layer; an empty entry keeps that layer random)` });
  }
  const state = lists.initial_weights && lists.initial_biases ? { weights: lists.initial_weights, biases: lists.initial_biases } : null;
  return { input: out, state, messages };
}

// Duck-typed, so the engine needs no frame code and frames from another copy of the module work.
function isFrame(x: unknown): x is Frame {
  return !!x && typeof x === "object" && Array.isArray((x as Frame).columns) && typeof (x as Frame).nrow === "number";
}

/** Checks the list lengths against the layer count (hidden layers + 1). */
export function checkInitialLengths(state: InitialState, layers: number, err: (field: string, message: string) => void): void {
  for (const [field, list] of [["initial_weights", state.weights], ["initial_biases", state.biases]] as const) {
    if (list.length !== layers) err(field, `"${field}" needs one entry per weight matrix (${layers}: hidden layers + 1, input layer first): got ${list.length}`);
  }
}

function layerName(m: number, layers: number): string {
  const below = m === 0 ? "input layer" : `hidden layer ${m}`;
  const above = m === layers - 1 ? "output layer" : `hidden layer ${m + 1}`;
  return `${below} → ${above}`;
}

/** A frame's numbers, row-major; throws `RangeError` naming the field on a bad shape or value. */
export function matrixValues(frame: Frame, rows: number, cols: number, what: string): Float64Array {
  if (frame.nrow !== rows || frame.ncol !== cols) {
    throw new RangeError(`Cannot train: ${what} must be ${rows} × ${cols}: got ${frame.nrow} × ${frame.ncol}`);
  }
  const out = new Float64Array(rows * cols);
  frame.columns.forEach((c, j) => {
    if (c.type !== "numeric") throw new RangeError(`Cannot train: ${what} must hold numbers; column ${j + 1} ("${c.name}") is ${c.type}`);
    for (let r = 0; r < rows; r++) {
      const v = c.data.at(r);
      if (!Number.isFinite(v)) throw new RangeError(`Cannot train: ${what} has a missing or infinite value at row ${r + 1}, column ${j + 1}`);
      out[r * cols + j] = v;
    }
  });
  return out;
}

/** The hook that writes the given matrices over the random initialization. */
export function initialStateHook(): TrainingHook {
  return {
    async start(s) {
      const init = s.plan.initialState;
      if (!init) return;
      const shape: Shape = s.parts.shape;
      const layers = shape.units.length - 1;
      const st = await s.readState();
      for (let m = 0; m < layers; m++) {
        const rows = weightRows(shape, m), cols = shape.units[m];
        const name = layerName(m, layers);
        const w = init.weights[m], b = init.biases[m];
        if (w) st[`weights.${m}`] = matrixValues(w, rows, cols, `initial_weights[${m}] (${name}; rows: units of the upper layer, columns: units of the lower layer)`);
        if (b) st[`biases.${m}`] = matrixValues(b, rows, 1, `initial_biases[${m}] (${name}; one row per unit)`);
      }
      s.writeState(st);
    },
  };
}
