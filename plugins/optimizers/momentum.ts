import type { OptimizerParams, StepContext } from "../../core/optimizer.ts";
import { defineOptimizer } from "../../core/optimizer.ts";
import type { ParamSpecs } from "../../core/params.ts";
import { annealedRate, rateParams } from "./_rate.ts";
import { SECTIONS } from "../../core/params.ts";

const momentumParams: ParamSpecs = {
  ...rateParams,
  momentum_start: { level: "expert", section: SECTIONS.opt, type: "float", default: 0, min: 0, max: 1, maxExclusive: true, gridable: true, help: "Momentum at the start of training" },
  momentum_ramp: { level: "expert", section: SECTIONS.opt, type: "float", default: 1e6, min: 0, gridable: true, help: "Samples over which momentum ramps from start to stable" },
  momentum_stable: { level: "expert", section: SECTIONS.opt, type: "float", default: 0, min: 0, max: 1, maxExclusive: true, gridable: true, help: "Momentum after the ramp" },
};

/**
 * Momentum after `samples` samples: a linear ramp from start to stable (the documented behaviour;
 * H2O's code evaluates the ramp at −1 samples while training, quirk Q13). The step is the
 * annealed rate times (1 − momentum), as in H2O.
 */
export function momentumSchedule(p: OptimizerParams, ctx: StepContext): OptimizerParams {
  const { momentum_start: m0, momentum_stable: m1, momentum_ramp: ramp } = p;
  const m = ramp > 0 && ctx.samples < ramp ? m0 + ((m1 - m0) * ctx.samples) / ramp : m1;
  return { ...p, step_rate: annealedRate(p, ctx) * (1 - m), step_momentum: m };
}

/** Classical (heavy-ball) momentum, `nesterov_accelerated_gradient = false`: v ← m·v − r·g; w ← w + v. */
export const momentum = defineOptimizer({
  name: "momentum",
  summary: "Classical momentum with H2O's rate schedule",
  slots: 1,
  params: momentumParams,
  schedule: momentumSchedule,
  step(w, g, s, p) {
    s[0] = p.step_momentum * s[0] - p.step_rate * g;
    return w + s[0];
  },
  rate: (_s, p) => p.step_rate,
  auto: (p) => p.nesterov_accelerated_gradient !== true,
  fastBody: "momentum",
  wgsl: { params: ["step_momentum", "step_rate"], step: "s0 = p0 * s0 - p1 * g; w = w + s0;" },
  vectors: [{
    params: { rate: 0.1, rate_annealing: 0, rate_decay: 1, momentum_start: 0.5, momentum_ramp: 0, momentum_stable: 0.5 },
    w0: 0, gradients: [1, 1], weights: [-0.05, -0.125], // r = 0.1·0.5; v: −0.05, −0.075
  }],
});

/**
 * Nesterov accelerated gradient (booklet §5.3) in the form of Bengio et al. (2012):
 * v ← m·v − r·g; w ← w − m·v_old + (1 + m)·v. H2O's code runs a different rule (quirk Q14).
 */
export const nesterov = defineOptimizer({
  name: "nesterov",
  summary: "Nesterov accelerated gradient with H2O's rate schedule",
  slots: 1,
  params: momentumParams,
  schedule: momentumSchedule,
  step(w, g, s, p) {
    const m = p.step_momentum;
    const old = s[0];
    s[0] = m * old - p.step_rate * g;
    return w - m * old + (1 + m) * s[0];
  },
  rate: (_s, p) => p.step_rate,
  auto: (p) => p.nesterov_accelerated_gradient === true,
  fastBody: "nesterov",
  wgsl: { params: ["step_momentum", "step_rate"], step: "let old = s0; s0 = p0 * old - p1 * g; w = w - p0 * old + (1.0 + p0) * s0;" },
  vectors: [{
    params: { rate: 0.1, rate_annealing: 0, rate_decay: 1, momentum_start: 0.5, momentum_ramp: 0, momentum_stable: 0.5 },
    w0: 0, gradients: [1, 1], weights: [-0.075, -0.1625], // v: −0.05, −0.075; w: 1.5·(−0.05), then −0.075 + 0.025 − 0.1125
  }],
});
