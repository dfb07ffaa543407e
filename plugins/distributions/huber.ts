import { defineDistribution } from "../../core/distribution.ts";

/**
 * Huber loss: quadratic within `huber_delta` of the response, linear beyond. The engine sets
 * `huber_delta` to the `huber_alpha` quantile of absolute residuals (spec §4.6, documented form).
 */
export const huber = defineDistribution({
  name: "huber",
  summary: "Quadratic near the response, linear beyond huber_delta",
  link: "identity",
  family: "regression",
  params: { huber_alpha: { type: "float", default: 0.9, min: 0, max: 1, help: "Quantile of absolute residuals that sets the threshold" } },
  deviance: (y, mu, p) => {
    const r = Math.abs(y - mu), d = p.huber_delta;
    return r <= d ? r * r : d * (2 * r - d);
  },
  gradient: (y, mu, p) => {
    const d = p.huber_delta;
    if (Math.abs(y - mu) <= d) return 2 * (mu - y);
    return mu < y ? -2 * d : 2 * d;
  },
  fastBody: "huber",
  vectors: [
    { y: 1, mu: 3, deviance: 3, gradient: 2, params: { huber_delta: 1 } },
    { y: 1, mu: 1.5, deviance: 0.25, gradient: 1, params: { huber_delta: 1 } },
  ],
});
