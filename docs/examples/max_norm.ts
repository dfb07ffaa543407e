// Max-norm (Srebro et al. 2005; with dropout, Srivastava et al. 2014): after every update of a
// unit, its incoming weight vector is scaled back onto the ball of radius max_norm.
// `tide train --plugin docs/examples/max_norm.ts --max_norm 3 …`
import { defineRegularizer } from "tide";

/** Caps each unit's incoming weight norm at `max_norm` (0: off). */
export const maxNorm = defineRegularizer({
  name: "max_norm",
  summary: "Caps the L2 norm of each unit's incoming weights",
  params: { max_norm: { type: "float", default: 0, min: 0, help: "Largest L2 norm of a unit's incoming weights (0: off)" } },
  active: (p) => (p.max_norm as number) > 0,
  constrain: (sumSquares, p) => {
    const c = p.max_norm as number, norm = Math.sqrt(sumSquares);
    return norm > c ? c / norm : 1;
  },
  vectors: [{ params: { max_norm: 2 }, input: 16, output: 0.5 }, { params: { max_norm: 2 }, input: 1, output: 1 }],
});
