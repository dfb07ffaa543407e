import { defineActivation } from "../../core/activation.ts";

/**
 * Maxout with two channels (H2O's fixed choice): each unit has two pre-activations and outputs
 * the larger; the engine takes the max and routes the gradient to the winning channel, so `f`
 * itself is the identity.
 */
export const maxout = defineActivation({
  name: "Maxout",
  summary: "max of two linear channels per unit",
  channels: 2,
  f: (z) => z,
  df: () => 1,
  initialBias: [0.5, 1],
  fastBody: "maxout",
  wgsl: { f: "z", df: "1.0" },
  vectors: [[0, 0, 1], [-3, -3, 1], [4, 4, 1]],
});
