import { defineDistribution } from "../../core/distribution.ts";
import { SECTIONS } from "../../core/params.ts";

/** Pinball loss for the `quantile_alpha` quantile. */
export const quantile = defineDistribution({
  name: "quantile",
  summary: "Pinball loss for quantile_alpha, identity link",
  link: "identity",
  family: "regression",
  params: { quantile_alpha: { level: "secondary", section: SECTIONS.loss, type: "float", default: 0.5, min: 0, max: 1, gridable: true, help: "Quantile for distribution quantile" } },
  deviance: (y, mu, p) => (y > mu ? p.quantile_alpha * (y - mu) : (1 - p.quantile_alpha) * (mu - y)),
  gradient: (y, mu, p) => (y > mu ? -p.quantile_alpha : 1 - p.quantile_alpha),
  auto: ({ classes, loss }) => classes === 0 && loss === "Quantile",
  losses: ["Quantile"],
  fastBody: "quantile",
  wgsl: { params: ["quantile_alpha"], gradient: "select(1.0 - p0, -p0, y > mu)" },
  fastBodyParams: ["quantile_alpha"],
  vectors: [
    { y: 1, mu: 3, deviance: 0.4, gradient: 0.2, params: { quantile_alpha: 0.8 } },
    { y: 3, mu: 1, deviance: 1.6, gradient: -0.8, params: { quantile_alpha: 0.8 } },
  ],
});
