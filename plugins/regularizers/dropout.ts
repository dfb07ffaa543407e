import { defineRegularizer } from "../../core/regularizer.ts";
import { SECTIONS } from "../../core/params.ts";

/**
 * Input dropout: each input is zeroed with probability input_dropout_ratio per training sample.
 * When scoring, inputs are multiplied by 1 − ratio, as hidden layers are (the documented
 * dropout; H2O's code leaves inputs unscaled, quirk Q6).
 */
export const inputDropout = defineRegularizer({
  name: "input_dropout",
  summary: "Drops inputs at random while training",
  params: { input_dropout_ratio: { level: "secondary", section: SECTIONS.opt, type: "float", default: 0, min: 0, max: 1, maxExclusive: true, gridable: true, help: "Fraction of inputs dropped per training sample" } },
  active: (p) => (p.input_dropout_ratio as number) > 0,
  dropRatio: (layer, _layers, p) => (layer === 0 ? (p.input_dropout_ratio as number) : 0),
  fastBody: "dropout",
  vectors: [{ params: { input_dropout_ratio: 0.2 }, input: 0, output: 0.2 }, { params: { input_dropout_ratio: 0.2 }, input: 1, output: 0 }],
});

/**
 * Hidden dropout (the …WithDropout activations): hidden layer ℓ drops each unit with probability
 * hidden_dropout_ratios[ℓ−1]; dropped units output 0 and learn nothing from that sample.
 */
export const hiddenDropout = defineRegularizer({
  name: "hidden_dropout",
  summary: "Drops hidden units at random while training",
  params: { hidden_dropout_ratios: { level: "secondary", section: SECTIONS.opt, type: "float[]", default: null, min: 0, max: 1, maxExclusive: true, gridable: true, help: "Per hidden layer dropout (…WithDropout only; default 0.5 each)" } },
  active: (p) => Array.isArray(p.hidden_dropout_ratios) && (p.hidden_dropout_ratios as number[]).some((r) => r > 0),
  dropRatio: (layer, layers, p) => {
    const r = p.hidden_dropout_ratios as number[] | null;
    return layer >= 1 && layer <= layers && r ? r[layer - 1] ?? 0 : 0;
  },
  fastBody: "dropout",
  vectors: [{ params: { hidden_dropout_ratios: [0.5, 0.3] }, input: 2, output: 0.3 }, { params: { hidden_dropout_ratios: [0.5, 0.3] }, input: 0, output: 0 }],
});
