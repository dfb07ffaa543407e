// Swish (Ramachandran et al. 2017): z·sigmoid(z), a smooth, non-monotonic rectifier.
// Load it into the binary with `tide train --plugin docs/examples/swish.ts --activation Swish …`
// (on every backend; `--backend webgpu` runs its `wgsl` body).
import { defineActivation } from "tide";

const sigmoid = (z: number) => 1 / (1 + Math.exp(-z));

/** Swish with β = 1 (also called SiLU). */
export const swish = defineActivation({
  name: "Swish",
  summary: "z·sigmoid(z), smooth and non-monotonic",
  f: (z) => z * sigmoid(z),
  // d/dz z·s(z) = s + z·s·(1 − s); from z, since a = f(z) does not give s back at z = 0.
  df: (z) => {
    const s = sigmoid(z);
    return s + z * s * (1 - s);
  },
  // The GPU body (webgpu), the same math in WGSL: s = sigmoid(z); f = z·s; f' = s·(1 + z·(1 − s)).
  wgsl: {
    f: "z / (1.0 + exp(-z))",
    df: "(1.0 / (1.0 + exp(-z))) * (1.0 + z * (1.0 - 1.0 / (1.0 + exp(-z))))",
  },
  initialBias: [0, 0],
  vectors: [[0, 0, 0.5], [1, 0.7310585786300049, 0.9276705118714867], [-2, -0.2384058440442351, -0.09078424878489547]],
});
