import { defineDistribution, logClamped } from "../../core/distribution.ts";

/** Counts with a log link; mu = exp(eta). */
export const poisson = defineDistribution({
  name: "poisson",
  summary: "Counts, log link",
  link: "log",
  family: "regression",
  deviance: (y, mu) => 2 * (y * logClamped(y / mu) - y + mu),
  gradient: (y, mu) => 2 * (mu - y),
  checkResponse: (y) => (y < 0 ? "poisson needs a response ≥ 0" : undefined),
  losses: [],
  fastBody: "poisson",
  wgsl: { gradient: "2.0 * (mu - y)" },
  vectors: [{ y: 2, mu: 2, deviance: 0, gradient: 0 }, { y: 0, mu: 1, deviance: 2, gradient: 2 }],
});
