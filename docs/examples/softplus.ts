// A complete activation plugin: one file, its math, its derivative and its own test vectors.
import { defineActivation } from "../../mod.ts";

/** Softplus, a smooth rectifier: log(1 + e^z). */
export const softplus = defineActivation({
  name: "Softplus",
  summary: "log(1 + e^z), a smooth rectifier",
  // Stable for large |z|: log1p(e^−|z|) + max(z, 0).
  f: (z) => Math.log1p(Math.exp(-Math.abs(z))) + Math.max(z, 0),
  // d softplus/dz = sigmoid(z) = 1 − e^(−a), written with the output a = f(z).
  df: (_z, a) => -Math.expm1(-a),
  initialBias: [0, 0],
  vectors: [[0, Math.LN2, 0.5], [30, 30, 1], [-30, 9.357622968840175e-14, 9.357622968840175e-14]],
});
