import { defineRegularizer } from "../../core/regularizer.ts";
import { SECTIONS } from "../../core/params.ts";

/** L2 penalty: adds l2·w to each updated weight's and bias's gradient. */
export const l2 = defineRegularizer({
  name: "l2",
  summary: "Ridge penalty on weights and biases",
  params: { l2: { level: "secondary", section: SECTIONS.opt, type: "float", default: 0, min: 0, gridable: true, help: "L2 penalty on weights and biases" } },
  active: (p) => (p.l2 as number) > 0,
  gradient: (w, p) => (p.l2 as number) * w,
  fastBody: "l2",
  wgsl: { params: ["l2"], gradient: "p0 * w" },
  vectors: [{ params: { l2: 0.01 }, input: 3, output: 0.03 }, { params: { l2: 0.01 }, input: -1, output: -0.01 }],
});
