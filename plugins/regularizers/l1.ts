import { defineRegularizer } from "../../core/regularizer.ts";
import { SECTIONS } from "../../core/params.ts";

/** L1 penalty: adds l1·sign(w) to each updated weight's and bias's gradient (sign(0) = 0). */
export const l1 = defineRegularizer({
  name: "l1",
  summary: "Lasso penalty on weights and biases",
  params: { l1: { level: "secondary", section: SECTIONS.opt, type: "float", default: 0, min: 0, gridable: true, help: "L1 penalty on weights and biases" } },
  active: (p) => (p.l1 as number) > 0,
  gradient: (w, p) => (p.l1 as number) * Math.sign(w),
  fastBody: "l1",
  wgsl: { params: ["l1"], gradient: "p0 * sign(w)" },
  vectors: [{ params: { l1: 1e-5 }, input: 0.3, output: 1e-5 }, { params: { l1: 1e-5 }, input: -2, output: -1e-5 }, { params: { l1: 1e-5 }, input: 0, output: 0 }],
});
