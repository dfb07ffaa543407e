import { defineRegularizer } from "../../core/regularizer.ts";
import { SECTIONS } from "../../core/params.ts";

const FLOAT_MAX = 3.4028234663852886e38;

/**
 * Caps each unit's squared incoming-weight norm: a row whose Σw² exceeds max_w2 is scaled by
 * sqrt(max_w2 / Σw²) after every update of that unit (exact sqrt; H2O uses a fast approximation).
 */
export const maxW2 = defineRegularizer({
  name: "max_w2",
  summary: "Constraint on the squared norm of each unit's incoming weights",
  params: { max_w2: { level: "expert", section: SECTIONS.opt, type: "float", default: FLOAT_MAX, min: 0, minExclusive: true, allowInfinity: true, gridable: true, help: "Cap on each unit's squared incoming weight norm" } },
  active: (p) => (p.max_w2 as number) < FLOAT_MAX,
  constrain: (s, p) => (s > (p.max_w2 as number) ? Math.sqrt((p.max_w2 as number) / s) : 1),
  fastBody: "max_w2",
  wgsl: { params: ["max_w2"], constrain: "select(1.0, sqrt(p0 / s), s > p0)" },
  vectors: [{ params: { max_w2: 10 }, input: 40, output: 0.5 }, { params: { max_w2: 10 }, input: 9, output: 1 }],
});
