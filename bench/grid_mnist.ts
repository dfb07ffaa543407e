/**
 * A 12-model RandomDiscrete grid on the real MNIST (files from `mnistCsv()`): hidden sizes ×
 * l1 × input dropout, 1 epoch each, the booklet's other settings (RectifierWithDropout,
 * multinomial) and its protocol (the test set is the validation frame). Prints the wall time,
 * the leaderboard (validation logloss) and the best model's test error. The same grid from the
 * command line:
 *
 *   bun cli/main.ts grid --training_frame ~/.cache/tide/mnist/train.csv.gz \
 *     --validation_frame ~/.cache/tide/mnist/test.csv.gz --y C785 --distribution multinomial \
 *     --activation RectifierWithDropout --epochs 1 --seed -1 --out_dir /tmp/tide-mnist-grid \
 *     --hyper_params '{"hidden":[[32,32],[64,64],[128]],"l1":[0,1e-5],"input_dropout_ratio":[0,0.2]}' \
 *     --search_criteria '{"strategy":"RandomDiscrete","max_models":12,"seed":1}'
 *
 *   bun bench/grid_mnist.ts [--out_dir /tmp/tide-mnist-grid]
 * @module
 */
import process from "node:process";
import { parseArgs } from "node:util";
import { mnistCsv } from "../datasets/mnist.ts";
import { importFile } from "../frame/import.ts";
import { gridSearch } from "../lifecycle/grid/grid.ts";
import { formatLeaderboard } from "../lifecycle/grid/leaderboard.ts";

const { values } = parseArgs({ args: process.argv.slice(2), options: { out_dir: { type: "string", default: "/tmp/tide-mnist-grid" } } });
const files = await mnistCsv();
const train = (await importFile(files.train)).asfactor("C785");
const test = (await importFile(files.test)).asfactor("C785");
const hyper_params = { hidden: [[32, 32], [64, 64], [128]], l1: [0, 1e-5], input_dropout_ratio: [0, 0.2] };
const search_criteria = { strategy: "RandomDiscrete", max_models: 12, seed: 1 };
console.log(`hyper_params ${JSON.stringify(hyper_params)}\nsearch_criteria ${JSON.stringify(search_criteria)}`);
const t0 = performance.now();
const grid = await gridSearch({
  y: "C785", training_frame: train, validation_frame: test, out_dir: values.out_dir,
  params: { distribution: "multinomial", activation: "RectifierWithDropout", epochs: 1 },
  hyper_params, search_criteria,
  onEvent: (e) => {
    if (e.type === "model_done") console.log(`model ${e.index} ${JSON.stringify(e.model.hyperParams)}: ${e.seconds.toFixed(1)} s`);
    if (e.type === "model_failed") console.log(`model ${e.index} skipped: ${e.failure.error}`);
  },
});
const wall = (performance.now() - t0) / 1000;
console.log(`\n${formatLeaderboard(grid)}\n`);
const best = grid.models[0].model;
const perf = await best.performance(test);
console.log(`status ${grid.status}; ${grid.models.length} models in ${wall.toFixed(1)} s wall (${(wall / grid.models.length).toFixed(1)} s per model) on backend ${best.data.output.backend}, ${best.data.output.threads} threads`);
console.log(`best ${best.modelId} ${JSON.stringify(grid.models[0].hyperParams)}: test error ${(100 * perf.classificationError()).toFixed(2)} %, test logloss ${perf.logloss().toFixed(4)}`);
