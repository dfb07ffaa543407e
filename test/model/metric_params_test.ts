/**
 * The parameters that shape a model's metrics, through the public estimator: gainslift_bins,
 * auc_type (multinomial AUC, in the metrics, the scoring history and early stopping) and
 * max_hit_ratio_k. Tiny networks on the reference backend.
 */
import { assert, assertEquals, assertThrows, test } from "../_harness.ts";
import { DeepLearning, type TrainArgs } from "../../model/deep_learning.ts";
import type { DeepLearningModel } from "../../model/model.ts";
import { referenceBackend } from "../../backends/reference/reference.ts";
import { blobs, iris } from "./_data.ts";

const backend = referenceBackend();

function fit(params: Record<string, unknown>, args: Omit<TrainArgs, "backend">): Promise<DeepLearningModel> {
  return new DeepLearning({ seed: 1, hidden: [3], epochs: 2, ...params }).train({ ...args, backend });
}

test("gainslift_bins sets the gains/lift groups of every binomial metric; 0 turns the table off", async () => {
  const train = blobs(80, 1), valid = blobs(40, 2);
  const m = await fit({ gainslift_bins: 4 }, { y: "cls", training_frame: train, validation_frame: valid });
  for (const which of [{ train: true }, { valid: true }]) {
    const gl = m.metricsOf(which).metrics;
    assert(gl.model_category === "Binomial" && gl.gains_lift !== null && gl.gains_lift.length <= 4 && gl.gains_lift.length >= 2, JSON.stringify(which));
  }
  assert((await m.performance(valid)).metrics.model_category === "Binomial");
  const test = (await m.performance(valid)).metrics;
  assert(test.model_category === "Binomial" && test.gains_lift!.length <= 4, "performance(frame) uses the model's gainslift_bins");
  const off = await fit({ gainslift_bins: 0 }, { y: "cls", training_frame: train });
  const t = off.metricsOf().metrics;
  assert(t.model_category === "Binomial" && t.gains_lift === null && Number.isNaN(t.lift_top_group));
  assert(!String(off.modelPerformance()).includes("Gains/Lift"));
  const dflt = (await fit({}, { y: "cls", training_frame: blobs(200, 3) })).metricsOf().metrics;
  assert(dflt.model_category === "Binomial" && dflt.gains_lift!.length > 4, "the default keeps H2O's 16 cut-points (duplicates removed)");
});

test("auc_type gives multinomial models an AUC in metrics, scoring history and performance(); AUTO gives NaN", async () => {
  const f = iris();
  const m = await fit({ auc_type: "WEIGHTED_OVR" }, { y: "species", training_frame: f, validation_frame: f });
  const auc = m.auc({ valid: true });
  assert(auc > 0.5 && auc <= 1, `AUC ${auc}`);
  assert(m.aucpr() > 0 && m.aucpr() <= 1);
  const row = m.scoringHistory().at(-1)!;
  assertEquals([typeof row.training_auc, typeof row.validation_pr_auc], ["number", "number"]);
  assertEquals((await m.performance(f)).auc(), auc); // the same rows, the same auc_type
  const plain = await fit({}, { y: "species", training_frame: f });
  assert(Number.isNaN(plain.auc()) && !("training_auc" in plain.scoringHistory().at(-1)!));
});

test("stopping_metric AUC on a multinomial model needs an auc_type, and then stops on it", async () => {
  const f = iris();
  await assertThrows(() => fit({ stopping_metric: "AUC" }, { y: "species", training_frame: f }), RangeError, "auc_type");
  const m = await fit({ stopping_metric: "AUC", auc_type: "MACRO_OVO", stopping_rounds: 1, score_each_iteration: true, epochs: 50, train_samples_per_iteration: 30 }, { y: "species", training_frame: f });
  assert(Number.isFinite(m.auc()), `AUC ${m.auc()}`);
  assertEquals(m.actualParams.auc_type, "MACRO_OVO");
});

test("max_hit_ratio_k sets the hit-ratio ranks (up to the class count); 0 drops the table", async () => {
  const f = iris();
  assertEquals((await fit({ max_hit_ratio_k: 2 }, { y: "species", training_frame: f })).hitRatios().length, 2);
  assertEquals((await fit({}, { y: "species", training_frame: f })).hitRatios().length, 3);
  const off = await fit({ max_hit_ratio_k: 0 }, { y: "species", training_frame: f });
  assertEquals(off.hitRatios(), []);
  assert(!String(off.modelPerformance()).includes("Hit Ratios"));
  await assertThrows(() => fit({ max_hit_ratio_k: -1 }, { y: "species", training_frame: f }), RangeError, "max_hit_ratio_k");
});

test("metric parameters that do nothing for the model's kind are warned about, not silently dropped", async () => {
  const warned = (m: DeepLearningModel) => m.data.output.messages.filter((x) => x.level === "warn").map((x) => x.field);
  const bin = await fit({ auc_type: "MACRO_OVR", max_hit_ratio_k: 3 }, { y: "cls", training_frame: blobs(40, 1) });
  assertEquals(warned(bin).sort(), ["auc_type", "max_hit_ratio_k"]);
  const multi = await fit({ gainslift_bins: 5 }, { y: "species", training_frame: iris() });
  assertEquals(warned(multi), ["gainslift_bins"]);
  assertEquals(warned(await fit({ gainslift_bins: 5, auc_type: "NONE" }, { y: "cls", training_frame: blobs(40, 1) })), []);
});
