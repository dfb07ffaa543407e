import { defineDistribution, logClamped } from "../../core/distribution.ts";

/**
 * Two classes through a 2-unit softmax (as H2O, not a single sigmoid). Per output unit with
 * y ∈ {0, 1}: gradient p − y, deviance −2·y·log p (summed over units: −2 log p_actual).
 */
export const bernoulli = defineDistribution({
  name: "bernoulli",
  summary: "Two classes, softmax with cross-entropy",
  link: "softmax",
  family: "classification",
  deviance: (y, mu) => -2 * y * logClamped(mu),
  gradient: (y, mu) => mu - y,
  auto: ({ classes }) => classes === 2,
  classes: 2,
  fastBody: "softmax",
  wgsl: { gradient: "mu - y" },
  vectors: [{ y: 1, mu: 0.25, deviance: -2 * Math.log(0.25), gradient: -0.75 }, { y: 0, mu: 0.25, deviance: 0, gradient: 0.25 }],
});
