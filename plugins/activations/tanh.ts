import { defineActivation } from "../../core/activation.ts";

/** Hyperbolic tangent, H2O's classic hidden-layer activation. */
export const tanh = defineActivation({
  name: "Tanh",
  summary: "Hyperbolic tangent, output in (−1, 1)",
  f: Math.tanh,
  df: (_z, a) => 1 - a * a, // d tanh(z)/dz = 1 − tanh²(z)
  initialBias: [0, 0],
  fastBody: "tanh",
  // Clamped: some WGSL tanh implementations overflow to NaN past |z| ≈ 44; tanh(±15) is ±1 in f32.
  wgsl: { f: "tanh(clamp(z, -15.0, 15.0))", df: "1.0 - a * a" },
  vectors: [[0, 0, 1], [0.5, 0.46211715726000974, 0.7864477329659274], [50, 1, 0], [-300, -1, 0]],
});
