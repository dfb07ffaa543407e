import { defineActivation } from "../../core/activation.ts";

/** Rectified linear unit, H2O's default activation. */
export const rectifier = defineActivation({
  name: "Rectifier",
  summary: "max(0, z)",
  f: (z) => (z > 0 ? z : 0),
  df: (_z, a) => (a > 0 ? 1 : 0), // H2O: the gradient passes iff the unit is active
  initialBias: [0.5, 1], // H2O starts rectifiers active: 0.5 in the first hidden layer, 1 deeper
  fastBody: "rectifier",
  wgsl: { f: "max(z, 0.0)", df: "select(0.0, 1.0, a > 0.0)" },
  vectors: [[0, 0, 0], [2.5, 2.5, 1], [-1, 0, 0], [1e-300, 1e-300, 1]],
});
