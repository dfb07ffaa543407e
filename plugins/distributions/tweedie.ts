import { defineDistribution, expClamped } from "../../core/distribution.ts";
import { SECTIONS } from "../../core/params.ts";

/** Tweedie with power p in (1, 2): compound Poisson-gamma, log link. μ^q is exp(q·ln μ), clamped. */
export const tweedie = defineDistribution({
  name: "tweedie",
  summary: "Compound Poisson-gamma with tweedie_power in (1, 2), log link",
  link: "log",
  family: "regression",
  params: { tweedie_power: { level: "secondary", section: SECTIONS.loss, type: "float", default: 1.5, min: 1, max: 2, minExclusive: true, maxExclusive: true, gridable: true, help: "Power for distribution tweedie" } },
  deviance: (y, mu, { tweedie_power: p }) => {
    const lm = Math.log(mu);
    return 2 * (Math.pow(y, 2 - p) / ((1 - p) * (2 - p)) - (y * expClamped((1 - p) * lm)) / (1 - p) + expClamped((2 - p) * lm) / (2 - p));
  },
  gradient: (y, mu, { tweedie_power: p }) => {
    const lm = Math.log(mu);
    return 2 * (expClamped((2 - p) * lm) - y * expClamped((1 - p) * lm));
  },
  checkResponse: (y) => (y < 0 ? "tweedie needs a response ≥ 0" : undefined),
  losses: [],
  fastBody: "tweedie",
  wgsl: { params: ["tweedie_power"], gradient: "2.0 * (min(1e19, exp((2.0 - p0) * log(mu))) - y * min(1e19, exp((1.0 - p0) * log(mu))))" },
  fastBodyParams: ["tweedie_power"],
  vectors: [{ y: 1, mu: 1, deviance: 0, gradient: 0, params: { tweedie_power: 1.5 } }],
});
