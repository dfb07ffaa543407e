import { defineDistribution } from "../../core/distribution.ts";
import { weightedQuantiles } from "../../core/metrics/_quantile.ts";
import { SECTIONS } from "../../core/params.ts";

/**
 * Huber loss: quadratic within `huber_delta` of the response, linear beyond. The engine sets
 * `huber_delta` to the `huber_alpha` quantile of absolute residuals (spec §4.6, documented form).
 */
export const huber = defineDistribution({
  name: "huber",
  summary: "Quadratic near the response, linear beyond huber_delta",
  link: "identity",
  family: "regression",
  params: { huber_alpha: { level: "secondary", section: SECTIONS.loss, type: "float", default: 0.9, min: 0, max: 1, gridable: true, help: "Quantile of absolute residuals that sets the Huber threshold" } },
  deviance: (y, mu, p) => {
    const r = Math.abs(y - mu), d = p.huber_delta;
    return r <= d ? r * r : d * (2 * r - d);
  },
  gradient: (y, mu, p) => {
    const d = p.huber_delta;
    if (Math.abs(y - mu) <= d) return 2 * (mu - y);
    return mu < y ? -2 * d : 2 * d;
  },
  auto: ({ classes, loss }) => classes === 0 && loss === "Huber",
  losses: ["Huber"],
  derivedParams: { huber_delta: 1 },
  // δ is the huber_alpha quantile of |residual|: nearest rank while training, weighted as H2O's
  // metrics compute it when row weights are given.
  fitParams(r, w, p) {
    const alpha = p.huber_alpha ?? 0.9;
    if (w) return { huber_delta: weightedQuantiles(r, w, [alpha])[0] };
    const s = Float64Array.from(r).sort();
    const q = s[Math.min(s.length - 1, Math.max(0, Math.ceil(alpha * s.length) - 1))];
    return { huber_delta: q > 0 ? q : 1 };
  },
  fastBody: "huber",
  wgsl: { params: ["huber_delta"], gradient: "select(select(2.0 * p0, -2.0 * p0, mu < y), 2.0 * (mu - y), abs(y - mu) <= p0)" },
  fastBodyParams: ["huber_delta"],
  vectors: [
    { y: 1, mu: 3, deviance: 3, gradient: 2, params: { huber_delta: 1 } },
    { y: 1, mu: 1.5, deviance: 0.25, gradient: 1, params: { huber_delta: 1 } },
  ],
});
