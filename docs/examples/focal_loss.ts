// Focal loss (Lin et al. 2017) for imbalanced two-class data: −(1 − p_t)^γ·log p_t, which
// down-weights the easy, well-classified rows so the rare class counts for more.
//
// Tide's softmax output trains every classification distribution with cross-entropy, so this
// plugin is a regression-family distribution on a 0/1 response with the log link: the network's
// output eta is the log-odds, the prediction mu = e^eta is the odds, and p = mu / (1 + mu).
// `tide train --plugin docs/examples/focal_loss.ts --distribution focal --focal_gamma 2 --y label …`
import { defineDistribution } from "tide";

const prob = (odds: number) => odds / (1 + odds);

/** Focal loss; `predict` is the odds of class 1 (probability = odds / (1 + odds)). */
export const focal = defineDistribution({
  name: "focal",
  summary: "Focal loss for a 0/1 response; predicts the odds of 1",
  link: "log",
  family: "regression",
  params: { focal_gamma: { type: "float", default: 2, min: 0, help: "Focusing power γ (0 is plain log loss)" } },
  checkResponse: (y) => (y === 0 || y === 1 ? undefined : "focal needs a 0/1 response"),
  deviance: (y, mu, p) => {
    const q = prob(mu), g = p.focal_gamma;
    return y === 1 ? -((1 - q) ** g) * Math.log(q) : -(q ** g) * Math.log(1 - q);
  },
  // d loss / d eta, with dp/d eta = p(1 − p).
  gradient: (y, mu, p) => {
    const q = prob(mu), g = p.focal_gamma;
    return y === 1 ? g * q * (1 - q) ** g * Math.log(q) - (1 - q) ** (g + 1) : -g * (1 - q) * q ** g * Math.log(1 - q) + q ** (g + 1);
  },
  vectors: [
    { y: 1, mu: 1, deviance: 0.17328679513998632, gradient: -0.29828679513998635, params: { focal_gamma: 2 } },
    { y: 0, mu: 1, deviance: 0.17328679513998632, gradient: 0.29828679513998635, params: { focal_gamma: 2 } },
    { y: 1, mu: 0.25, deviance: 1.0300402639578243, gradient: -0.92401610558313, params: { focal_gamma: 2 } },
    { y: 0, mu: 3, deviance: 0.7797905781299385, gradient: 0.8117702890649692, params: { focal_gamma: 2 } },
  ],
});
