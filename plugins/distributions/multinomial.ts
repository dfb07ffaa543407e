import { defineDistribution, logClamped } from "../../core/distribution.ts";

/** Three or more classes through a softmax; per unit as bernoulli (spec §4.3, Appendix C.9). */
export const multinomial = defineDistribution({
  name: "multinomial",
  summary: "Many classes, softmax with cross-entropy",
  link: "softmax",
  family: "classification",
  deviance: (y, mu) => -2 * y * logClamped(mu),
  gradient: (y, mu) => mu - y,
  auto: ({ classes }) => classes > 0,
  fastBody: "softmax",
  wgsl: { gradient: "mu - y" },
  vectors: [{ y: 0, mu: 0.7, deviance: 0, gradient: 0.7 }, { y: 1, mu: 0.1, deviance: -2 * Math.log(0.1), gradient: -0.9 }],
});
