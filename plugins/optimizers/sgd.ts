import { defineOptimizer } from "../../core/optimizer.ts";
import { annealedRate, rateParams } from "./_rate.ts";

/** Plain SGD with H2O's rate annealing and per-layer decay (`adaptive_rate = false`, no momentum). */
export const sgd = defineOptimizer({
  name: "sgd",
  summary: "Manual learning rate with annealing and per-layer decay",
  slots: 0,
  params: rateParams,
  schedule: (p, ctx) => ({ ...p, step_rate: annealedRate(p, ctx) }),
  step: (w, g, _s, p) => w - p.step_rate * g,
  rate: (_s, p) => p.step_rate,
  auto: (p) => !(Number(p.momentum_start) > 0 || Number(p.momentum_stable) > 0),
  idleOnZeroGradient: true,
  fastBody: "sgd",
  wgsl: { params: ["step_rate"], step: "w = w - p0 * g;" },
  vectors: [
    { params: { rate: 0.1, rate_annealing: 0, rate_decay: 1 }, w0: 1, gradients: [2, -1], weights: [0.8, 0.9] },
    // Layer 2 with decay 0.5 after 1e6 samples at annealing 1e-6: 0.1·0.5/2 = 0.025
    { params: { rate: 0.1, rate_annealing: 1e-6, rate_decay: 0.5 }, w0: 1, gradients: [4], weights: [0.9], context: { layer: 2, samples: 1e6 } },
  ],
});
