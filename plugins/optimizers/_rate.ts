import type { ParamSpecs } from "../../core/params.ts";
import type { OptimizerParams, StepContext } from "../../core/optimizer.ts";
import { SECTIONS } from "../../core/params.ts";

/** The manual learning-rate parameters shared by sgd and the momentum optimizers (spec §5.4). */
export const rateParams: ParamSpecs = {
  rate: { level: "expert", section: SECTIONS.opt, type: "float", default: 0.005, min: 0, minExclusive: true, gridable: true, help: "Learning rate (adaptive_rate = false)" },
  rate_annealing: { level: "expert", section: SECTIONS.opt, type: "float", default: 1e-6, min: 0, gridable: true, help: "Rate is divided by 1 + rate_annealing · samples" },
  rate_decay: { level: "expert", section: SECTIONS.opt, type: "float", default: 1, min: 0, minExclusive: true, gridable: true, help: "Rate factor per layer: rate · rate_decay^(layer − 1)" },
};

/** Learning rate for the weights into `layer` after `samples` samples: α·decay^(layer−1)/(1 + a·n). */
export function annealedRate(p: OptimizerParams, { layer, samples }: StepContext): number {
  return (p.rate * Math.pow(p.rate_decay, layer - 1)) / (1 + p.rate_annealing * samples);
}
