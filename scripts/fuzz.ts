/**
 * The long fuzz run: the same properties as test/frame/csv_fuzz_test.ts and
 * test/model/model_file_fuzz_test.ts, for many more cases, counting outcomes instead of
 * stopping at the first failure. Prints, per target, the cases, clean errors, successes,
 * crashes (a property failure: an unexpected exception, an unclear message, a round trip that
 * differs, an unbounded frame) and the slowest case.
 *
 *   bun scripts/fuzz.ts [--csv N] [--tables N] [--model N] [--seed S]
 * @module
 */
import fc from "fast-check";
import process from "node:process";
import { checkCsv, csvBytes, csvTables } from "../test/frame/_csv_fuzz.ts";
import { checkModelFile, leafCount, mutate, mutations } from "../test/model/_model_file_fuzz.ts";
import { iris } from "../test/model/_data.ts";
import { DeepLearning } from "../model/deep_learning.ts";
import { encodeModel } from "../model/file.ts";
import { referenceBackend } from "../backends/reference/reference.ts";

const args = process.argv.slice(2);
const opt = (name: string, dflt: number) => {
  const i = args.indexOf(`--${name}`);
  return i >= 0 ? Number(args[i + 1]) : dflt;
};
const seed = opt("seed", Date.now() % 2 ** 31);

interface Tally {
  cases: number;
  outcomes: Record<string, number>;
  crashes: number;
  slowestMs: number;
  examples: string[];
}

async function run<T>(name: string, arb: fc.Arbitrary<T>, n: number, check: (v: T) => string | Promise<string>): Promise<Tally> {
  const t: Tally = { cases: 0, outcomes: {}, crashes: 0, slowestMs: 0, examples: [] };
  const BATCH = 1000;
  for (let done = 0; done < n; done += BATCH) {
    for (const v of fc.sample(arb, { numRuns: Math.min(BATCH, n - done), seed: seed + done })) {
      const t0 = performance.now();
      try {
        const o = await check(v);
        t.outcomes[o] = (t.outcomes[o] ?? 0) + 1;
      } catch (e) {
        t.crashes++;
        if (t.examples.length < 5) t.examples.push(`${(e as Error)?.message ?? e}\n    input: ${JSON.stringify(v instanceof Uint8Array ? Array.from(v) : v, (_k, x) => (x instanceof Uint8Array ? Array.from(x) : x))?.slice(0, 300)}`);
      }
      t.slowestMs = Math.max(t.slowestMs, performance.now() - t0);
      t.cases++;
    }
  }
  const parts = Object.entries(t.outcomes).map(([k, v]) => `${k} ${v}`).join(", ");
  console.log(`${name}: ${t.cases} cases: ${parts}, crashes ${t.crashes}; slowest case ${t.slowestMs.toFixed(1)} ms`);
  for (const e of t.examples) console.log(`  crash: ${e}`);
  return t;
}

console.log(`seed ${seed}`);
const a = await run("CSV bytes", csvBytes, opt("csv", 100_000), checkCsv);
const b = await run("CSV tables", csvTables, opt("tables", 20_000), checkCsv);
const frame = iris();
const model = await new DeepLearning({ hidden: [3], epochs: 1, seed: 3, model_id: "fuzz" }).train({ y: "species", training_frame: frame, backend: referenceBackend() });
const bytes = encodeModel(model.data);
const c = await run("model files", mutations(bytes.length, leafCount(model.data)), opt("model", 10_000), (m) => checkModelFile(mutate(model.data, bytes, m), frame));
process.exitCode = a.crashes + b.crashes + c.crashes > 0 ? 1 : 0;
