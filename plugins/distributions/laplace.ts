import { defineDistribution } from "../../core/distribution.ts";

/** Absolute error (median regression). */
export const laplace = defineDistribution({
  name: "laplace",
  summary: "Absolute error, identity link",
  link: "identity",
  family: "regression",
  deviance: (y, mu) => Math.abs(y - mu),
  gradient: (y, mu) => (mu > y ? 1 : -1), // H2O: a tie counts as under-prediction
  auto: ({ classes, loss }) => classes === 0 && loss === "Absolute",
  losses: ["Absolute"],
  fastBody: "laplace",
  wgsl: { gradient: "select(-1.0, 1.0, mu > y)" },
  vectors: [{ y: 1, mu: 3, deviance: 2, gradient: 1 }, { y: 3, mu: 1, deviance: 2, gradient: -1 }, { y: 1, mu: 1, deviance: 0, gradient: -1 }],
});
