/** `tide demo mnist` from source, as `npm run demo` runs it, cut to a tiny run. */
import { assert, assertEquals, test } from "../_harness.ts";
import { join } from "node:path";
import { BUN, cleanEnv, exec, ROOT } from "./_exec.ts";

test("bun cli/main.ts demo mnist trains the booklet's network on MNIST and reports on the test set", async () => {
  // The CSV cache lives in the repository's .cache (gitignored), so later runs reuse it.
  const env = cleanEnv({ TIDE_CACHE_DIR: join(ROOT, ".cache", "test-mnist") });
  const r = await exec(BUN, ["cli/main.ts", "demo", "mnist", "--epochs", "0.05", "--seed", "1"], { cwd: ROOT, env, timeoutMs: 170_000 });
  assertEquals(r.code, 0, r.stderr);
  assert(r.stderr.includes(`cached in ${join(ROOT, ".cache", "test-mnist", "mnist")}`), r.stderr);
  assert(/Imported .*train\.csv\.gz: 60,000 rows × 785 columns in /.test(r.stderr), r.stderr);
  assert(/Imported .*test\.csv\.gz: 10,000 rows × 785 columns in /.test(r.stderr), r.stderr);
  assert(r.stderr.includes("Parameters: distribution multinomial, activation RectifierWithDropout, hidden 32,32,32, input_dropout_ratio 0.2, sparse true, l1 0.00001, epochs 0.05, seed 1"), r.stderr);
  assert(/Training on backend "\w+" .*: 60,000 rows × 717 inputs, 25,418 weights\/biases/.test(r.stderr), r.stderr);
  assert(/epoch 0\.05\/0\.05 \| .* done in /.test(r.stderr), r.stderr);
  const layers = r.stdout.split("\n").filter((l) => /^\s+\d+\s+\d+\s+(Input|RectifierDropout|Softmax)/.test(l)).map((l) => l.trim().split(/\s+/).slice(0, 3).join(" "));
  assertEquals(layers, ["1 717 Input", "2 32 RectifierDropout", "3 32 RectifierDropout", "4 32 RectifierDropout", "5 10 Softmax"]);
  for (const part of ["10-class classification", "Reported on training (a sample of 10,000 rows) data", "Reported on validation data", "Confusion Matrix", "Time taken: ", "importing took"]) {
    assert(r.stdout.includes(part), `demo output lacks "${part}"`);
  }
  // H2O's scoring-history table, and progress metrics labelled with the epoch they were scored at.
  assert(/Scoring History:\n\s+timestamp\s+duration\s+training_speed\s+epochs\s+iterations\s+samples\s+training_rmse\s+training_logloss/.test(r.stdout), r.stdout);
  assert(r.stdout.includes("overwrite_with_best_model: the final model is"), r.stdout);
  assert(/scored at epoch 0\.05: train logloss/.test(r.stderr), r.stderr);
}, { timeout: 180_000 });
