import { defineDistribution, logClamped } from "../../core/distribution.ts";

/** Positive continuous responses with a log link. */
export const gamma = defineDistribution({
  name: "gamma",
  summary: "Positive continuous response, log link",
  link: "log",
  family: "regression",
  deviance: (y, mu) => 2 * (logClamped(mu / y) + (y === 0 && mu === 0 ? 1 : y / mu) - 1),
  gradient: (y, mu) => 2 * (1 - y / mu),
  checkResponse: (y) => (y < 0 ? "gamma needs a response ≥ 0" : undefined),
  losses: [],
  fastBody: "gamma",
  wgsl: { gradient: "2.0 * (1.0 - y / mu)" },
  vectors: [{ y: 1, mu: 1, deviance: 0, gradient: 0 }, { y: 2, mu: 1, deviance: 2 * (Math.log(0.5) + 1), gradient: -2 }],
});
