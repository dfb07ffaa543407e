/**
 * Property-based fuzzing of the model-file loader (fast-check), a bounded number of cases with
 * fixed seeds; `bun scripts/fuzz.ts` runs the same property for much longer.
 */
import fc from "fast-check";
import { test } from "../_harness.ts";
import { DeepLearning } from "../../model/deep_learning.ts";
import { encodeModel } from "../../model/file.ts";
import { referenceBackend } from "../../backends/reference/reference.ts";
import { iris } from "./_data.ts";
import { checkModelFile, leafCount, mutate, mutations } from "./_model_file_fuzz.ts";

test("decodeModel() fuzz: damaged and re-sealed files fail cleanly or load a model that predicts (300 cases)", async () => {
  const frame = iris();
  const model = await new DeepLearning({ hidden: [3], epochs: 1, seed: 3, model_id: "fuzz" }).train({ y: "species", training_frame: frame, backend: referenceBackend() });
  const data = model.data;
  const bytes = encodeModel(data);
  await fc.assert(fc.asyncProperty(mutations(bytes.length, leafCount(data)), async (m) => void await checkModelFile(mutate(data, bytes, m), frame)), { numRuns: 300, seed: 5 });
});
