/**
 * `tide export --format onnx`: the model as an ONNX graph (opset 13, plus ai.onnx.ml 2 for
 * LabelEncoder), preprocessing included, encoded by hand (export/protobuf.ts).
 *
 * Inputs, one per predictor column, named as in H2O, each of shape [N, 1]: a numeric column is
 * float (NaN for missing), a categorical column is string (missing or unseen: any string that
 * is not a level, such as ""). The graph imputes, standardizes, one-hot encodes (the missing slot
 * included), runs the layers in Float32 and returns `output` (class probabilities [N, C], or the
 * prediction [N, 1] in the response's units) and, for classification, `label` (int64 [N], the
 * class index; the classes are in the metadata under "classes").
 * @module
 */
import { Message } from "./protobuf.ts";
import type { CategoricalInput, Layer, NumericInput, ScoringModel } from "./model_view.ts";

const FLOAT = 1, INT64 = 7, STRING = 8;
const ATTR = { FLOAT: 1, INT: 2, STRINGS: 8, INTS: 7 } as const;

/** Why a model cannot be written as ONNX, or undefined. */
export function onnxRefusal(m: ScoringModel): string | undefined {
  for (const l of m.layers.slice(0, -1)) {
    if (!["Tanh", "Rectifier", "Maxout"].includes(l.activation)) {
      return `its activation "${l.activation}" is a plugin, and a plugin's JavaScript function has no ONNX operator; the export writes Tanh, Rectifier and Maxout`;
    }
  }
  if (m.response.kind === "numeric" && !["identity", "log"].includes(m.response.link)) {
    return `its link "${m.response.link}" has no ONNX form here (identity and log do)`;
  }
  let seenNumeric = false;
  for (const i of m.inputs) {
    if (i.kind === "numeric") seenNumeric = true;
    else if (seenNumeric) return "its categorical inputs do not all come before its numeric ones";
  }
  return undefined;
}

type Attr = [name: string, kind: keyof typeof ATTR, value: number | readonly number[] | readonly string[]];

/** Builds the graph's nodes, constants, inputs and outputs. */
class Graph {
  readonly nodes: Message[] = [];
  readonly initializers: Message[] = [];
  readonly inputs: Message[] = [];
  readonly outputs: Message[] = [];
  #n = 0;

  /** A fresh tensor name. */
  name(hint: string): string {
    return `${hint}_${this.#n++}`;
  }

  node(op: string, inputs: readonly string[], attrs: readonly Attr[] = [], domain = "", out = this.name(op.toLowerCase())): string {
    const n = new Message();
    for (const i of inputs) n.string(1, i);
    n.string(2, out).string(3, out).string(4, op);
    for (const [name, kind, value] of attrs) {
      const a = new Message().string(1, name);
      if (kind === "FLOAT") a.float(2, value as number);
      else if (kind === "INT") a.int(3, value as number);
      else if (kind === "INTS") for (const v of value as number[]) a.int(8, v);
      else for (const v of value as string[]) a.string(9, v);
      n.message(5, a.int(20, ATTR[kind]));
    }
    if (domain) n.string(7, domain);
    this.nodes.push(n);
    return out;
  }

  /** A float32 constant of the given shape. */
  floats(hint: string, dims: readonly number[], values: ArrayLike<number>): string {
    const raw = new Uint8Array(values.length * 4);
    const view = new DataView(raw.buffer);
    for (let i = 0; i < values.length; i++) view.setFloat32(i * 4, values[i], true);
    return this.#constant(hint, dims, FLOAT, raw);
  }

  /** An int64 constant of the given shape. */
  ints(hint: string, dims: readonly number[], values: readonly number[]): string {
    const raw = new Uint8Array(values.length * 8);
    const view = new DataView(raw.buffer);
    values.forEach((v, i) => view.setBigInt64(i * 8, BigInt(v), true));
    return this.#constant(hint, dims, INT64, raw);
  }

  #constant(hint: string, dims: readonly number[], type: number, raw: Uint8Array): string {
    const name = this.name(hint);
    const t = new Message();
    for (const d of dims) t.int(1, d);
    this.initializers.push(t.int(2, type).string(8, name).blob(9, raw));
    return name;
  }

  /** A graph input or output of element `type` and shape (strings are symbolic dimensions). */
  value(list: "inputs" | "outputs", name: string, type: number, dims: readonly (number | string)[]): void {
    const shape = new Message();
    for (const d of dims) shape.message(1, typeof d === "number" ? new Message().int(1, d) : new Message().string(2, d));
    const tensor = new Message().int(1, type).message(2, shape);
    this[list].push(new Message().string(1, name).message(2, new Message().message(1, tensor)));
  }
}

/** The ONNX model's bytes. Throws `RangeError` naming what ONNX cannot express for this model. */
export function exportOnnx(m: ScoringModel, producer: string): Uint8Array {
  const why = onnxRefusal(m);
  if (why) throw new RangeError(`Cannot export model ${m.modelId} to ONNX: ${why}`);
  const g = new Graph();
  const pieces: string[] = [];

  // Categoricals: level string → index (LabelEncoder, −1 when not a level) → slot → one-hot.
  for (const c of m.inputs.filter((i): i is CategoricalInput => i.kind === "categorical")) {
    g.value("inputs", c.name, STRING, ["N", 1]);
    const code = g.node("LabelEncoder", [c.name], [
      ["keys_strings", "STRINGS", c.domain], ["values_int64s", "INTS", c.domain.map((_, k) => k)], ["default_int64", "INT", -1],
    ], "ai.onnx.ml");
    const useAll = c.slots === c.domain.length + 1;
    const missing = g.node("Less", [code, g.ints("zero", [], [0])]);
    const shifted = useAll ? code : g.node("Sub", [code, g.ints("one", [], [1])]);
    const slot = g.node("Where", [missing, g.ints("na_slot", [], [c.slots - 1]), shifted]);
    const hot = g.node("Equal", [slot, g.ints("slots", [1, c.slots], Array.from({ length: c.slots }, (_, k) => k))]);
    pieces.push(g.node("Cast", [hot], [["to", "INT", FLOAT]]));
  }

  // Numerics: one [N, n] block; missing ↦ mean, then (x − sub)·mul.
  const nums = m.inputs.filter((i): i is NumericInput => i.kind === "numeric");
  if (nums.length) {
    for (const n of nums) g.value("inputs", n.name, FLOAT, ["N", 1]);
    const x = nums.length > 1 ? g.node("Concat", nums.map((n) => n.name), [["axis", "INT", 1]]) : nums[0].name;
    const filled = g.node("Where", [g.node("IsNaN", [x]), g.floats("mean", [1, nums.length], nums.map((n) => n.mean)), x]);
    const centered = g.node("Sub", [filled, g.floats("sub", [1, nums.length], nums.map((n) => n.sub))]);
    pieces.push(g.node("Mul", [centered, g.floats("mul", [1, nums.length], nums.map((n) => n.mul))]));
  }
  let a = pieces.length > 1 ? g.node("Concat", pieces, [["axis", "INT", 1]]) : pieces[0];
  if (m.inputScale !== 1) a = g.node("Mul", [a, g.floats("input_dropout_scale", [], [m.inputScale])]);

  m.layers.forEach((l: Layer, k) => {
    const z = g.node("Gemm", [a, g.floats(`W${k}`, [l.rows, l.cols], l.W), g.floats(`b${k}`, [l.rows], l.b)], [["transB", "INT", 1]]);
    if (l.activation === "softmax") a = g.node("Softmax", [z], [["axis", "INT", 1]]);
    else if (l.activation === "linear") a = z;
    else {
      let pre = z;
      if (l.channels > 1) {
        const units = l.rows / l.channels;
        const r = g.node("Reshape", [z, g.ints("maxout_shape", [3], [0, units, l.channels])]);
        pre = g.node("ReduceMax", [r], [["axes", "INTS", [2]], ["keepdims", "INT", 0]]);
      }
      a = l.activation === "Tanh" ? g.node("Tanh", [pre]) : l.activation === "Rectifier" ? g.node("Relu", [pre]) : pre;
      if (l.outScale !== 1) a = g.node("Mul", [a, g.floats("dropout_scale", [], [l.outScale])]);
    }
  });

  const r = m.response;
  if (r.kind === "categorical") {
    g.node("Identity", [a], [], "", "output");
    g.value("outputs", "output", FLOAT, ["N", r.domain.length]);
    if (r.domain.length === 2) {
      const p1 = g.node("Gather", [a, g.ints("class1", [], [1])], [["axis", "INT", 1]]);
      const yes = g.node("GreaterOrEqual", [p1, g.floats("threshold", [], [r.threshold])]);
      g.node("Cast", [yes], [["to", "INT", INT64]], "", "label");
    } else {
      g.node("ArgMax", [a], [["axis", "INT", 1], ["keepdims", "INT", 0]], "", "label");
    }
    g.value("outputs", "label", INT64, ["N"]);
  } else {
    let y = g.node("Add", [g.node("Div", [a, g.floats("response_mul", [], [r.mul])]), g.floats("response_sub", [], [r.sub])]);
    if (r.link === "log") y = g.node("Min", [g.node("Exp", [y]), g.floats("exp_cap", [], [1e19])]);
    g.node("Identity", [y], [], "", "output");
    g.value("outputs", "output", FLOAT, ["N", 1]);
  }

  const graph = new Message();
  for (const n of g.nodes) graph.message(1, n);
  graph.string(2, m.modelId);
  for (const t of g.initializers) graph.message(5, t);
  for (const v of g.inputs) graph.message(11, v);
  for (const v of g.outputs) graph.message(12, v);

  const meta: [string, string][] = [
    ["model_id", m.modelId],
    ["response", r.name],
    ["columns", JSON.stringify(m.inputs.map((i) => i.name))],
  ];
  if (r.kind === "categorical") meta.push(["classes", JSON.stringify(r.domain)]);
  const model = new Message()
    .int(1, 7) // IR version 7 goes with opset 13
    .string(2, producer.split(" ")[0])
    .string(3, producer.split(" ").slice(1).join(" "))
    .message(7, graph)
    .message(8, new Message().string(1, "").int(2, 13))
    .message(8, new Message().string(1, "ai.onnx.ml").int(2, 2));
  for (const [key, value] of meta) model.message(14, new Message().string(1, key).string(2, value));
  return model.encode();
}
