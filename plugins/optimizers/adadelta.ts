import { defineOptimizer } from "../../core/optimizer.ts";
import { SECTIONS } from "../../core/params.ts";

/**
 * ADADELTA (Zeiler 2012), H2O's default (`adaptive_rate = true`). Slots: s[0] = E[Δw²],
 * s[1] = E[g²]. Biases use the same rule with their own gradient (the documented behaviour;
 * H2O's code feeds bias accumulators from the weights' gradients, quirk Q12).
 */
export const adadelta = defineOptimizer({
  name: "adadelta",
  summary: "Per-parameter adaptive learning rate (Zeiler 2012)",
  slots: 2,
  params: {
    rho: { level: "expert", section: SECTIONS.opt, type: "float", default: 0.99, min: 0, minExclusive: true, max: 1, gridable: true, help: "ADADELTA decay of the running averages" },
    epsilon: { level: "expert", section: SECTIONS.opt, type: "float", default: 1e-8, min: 0, minExclusive: true, gridable: true, help: "ADADELTA conditioning constant" },
  },
  step(w, g, s, { rho, epsilon }) {
    s[1] = rho * s[1] + (1 - rho) * g * g;
    const rate = Math.sqrt((s[0] + epsilon) / (s[1] + epsilon)); // new E[g²], old E[Δw²]
    s[0] = rho * s[0] + (1 - rho) * rate * rate * g * g;
    return w - rate * g;
  },
  rate: (s, { epsilon }) => Math.sqrt((s[0] + epsilon) / (s[1] + epsilon)),
  auto: (p) => p.adaptive_rate === true,
  fastBody: "adadelta",
  wgsl: {
    params: ["rho", "epsilon"],
    step: "s1 = p0 * s1 + (1.0 - p0) * g * g; let r = sqrt((s0 + p1) / (s1 + p1)); s0 = p0 * s0 + (1.0 - p0) * r * r * g * g; w = w - r * g;",
  },
  // Spec Appendix C.6, exact arithmetic: Δw = −0.000999998 then +0.000527503.
  vectors: [{ params: { rho: 0.99, epsilon: 1e-8 }, w0: 0, gradients: [0.5, -0.2], weights: [-0.0009999980000059995, -0.0004724950661875114] }],
});
