import { defineDistribution } from "../../core/distribution.ts";

/** Squared error; the response is standardized when `standardize` is on (spec §1.6). */
export const gaussian = defineDistribution({
  name: "gaussian",
  summary: "Squared error, identity link",
  link: "identity",
  family: "regression",
  deviance: (y, mu) => (y - mu) * (y - mu),
  gradient: (y, mu) => 2 * (mu - y),
  auto: ({ classes, loss }) => classes === 0 && (loss === "Automatic" || loss === "Quadratic"),
  fastBody: "gaussian",
  wgsl: { gradient: "2.0 * (mu - y)" },
  vectors: [{ y: 1, mu: 3, deviance: 4, gradient: 4 }, { y: -2, mu: -2, deviance: 0, gradient: 0 }],
});
