// Adam (Kingma & Ba 2015) with bias correction, as an optimizer plugin: three slots per
// parameter (first moment m, second moment v, and the parameter's own step count t, which with
// fast_mode counts only the steps that parameter really took).
// `tide train --plugin docs/examples/adam.ts --optimizer adam --adam_rate 0.001 …`
import { defineOptimizer } from "tide";

/** Adam. Its hyper-parameters carry an `adam_` prefix: `epsilon` and `rate` already belong to ADADELTA and plain SGD. */
export const adam = defineOptimizer({
  name: "adam",
  summary: "Adam with bias-corrected moments (Kingma & Ba 2015)",
  slots: 3,
  params: {
    adam_rate: { type: "float", default: 0.001, min: 0, minExclusive: true, help: "Adam's step size α" },
    adam_beta1: { type: "float", default: 0.9, min: 0, max: 1, maxExclusive: true, help: "Adam's first-moment decay β1" },
    adam_beta2: { type: "float", default: 0.999, min: 0, max: 1, maxExclusive: true, help: "Adam's second-moment decay β2" },
    adam_epsilon: { type: "float", default: 1e-8, min: 0, minExclusive: true, help: "Adam's conditioning constant ε" },
  },
  step(w, g, s, p) {
    const t = (s[2] += 1);
    s[0] = p.adam_beta1 * s[0] + (1 - p.adam_beta1) * g;
    s[1] = p.adam_beta2 * s[1] + (1 - p.adam_beta2) * g * g;
    const mHat = s[0] / (1 - p.adam_beta1 ** t); // bias correction: the moments start at 0
    const vHat = s[1] / (1 - p.adam_beta2 ** t);
    return w - (p.adam_rate * mHat) / (Math.sqrt(vHat) + p.adam_epsilon);
  },
  rate: (s, p) => (s[2] > 0 ? p.adam_rate / (Math.sqrt(s[1] / (1 - p.adam_beta2 ** s[2])) + p.adam_epsilon) : p.adam_rate),
  // By hand: step 1 moves by α·g/(|g| + ε) = −0.00099999998; steps 2 and 3 follow the formulas above.
  vectors: [{
    params: { adam_rate: 0.001, adam_beta1: 0.9, adam_beta2: 0.999, adam_epsilon: 1e-8 },
    w0: 0, gradients: [0.5, -0.2, 0.1], weights: [-0.0009999999800000003, -0.0013456058188348915, -0.001724997591643043],
  }],
});
