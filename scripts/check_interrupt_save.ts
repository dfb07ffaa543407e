/**
 * A real Ctrl-C during `tide train --model_out` (too heavy for `npm test`: it saves a ~217 MB
 * model). Trains a 3000-3000 network briefly, waits for the save's temporary file, then sends
 * SIGINT once (the save must finish, exit 130, with a message), twice (the save is abandoned, no
 * temporary file is left, the earlier model is unchanged), and SIGKILL (the next save removes
 * the stale temporary file). Prints one line per case and exits 1 if one fails.
 *
 *   bun scripts/check_interrupt_save.ts
 * @module
 */
import { spawn } from "node:child_process";
import { mkdtemp, readdir, readFile, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import process from "node:process";

const dir = await mkdtemp(join(tmpdir(), "tide-interrupt-"));
const csv = join(dir, "train.csv"), model = join(dir, "m.tide");
await writeFile(csv, ["a,b,y", ...Array.from({ length: 200 }, (_, i) => `${i % 7},${i % 3},${(i % 5) + 0.5}`)].join("\n") + "\n");
const main = new URL("../cli/main.ts", import.meta.url).pathname;
const temps = async () => (await readdir(dir)).filter((n) => n.startsWith(".m.tide.tmp-"));

async function train(signals: ("SIGINT" | "SIGKILL")[], hidden = "3000,3000"): Promise<{ code: number | null; stderr: string }> {
  const child = spawn(process.execPath, [main, "train", "--training_frame", csv, "--y", "y", "--hidden", hidden, "--epochs", "0.05", "--reproducible", "--quiet", "--model_out", model]);
  let stderr = "";
  child.stderr.on("data", (d) => (stderr += d));
  const done = new Promise<number | null>((ok) => child.on("close", (code) => ok(code)));
  if (signals.length) {
    while ((await temps()).length === 0) await new Promise((r) => setTimeout(r, 20));
    for (const s of signals) {
      child.kill(s);
      await new Promise((r) => setTimeout(r, 30));
    }
  }
  return { code: await done, stderr };
}

let failures = 0;
const check = (what: string, ok: boolean, detail: string) => {
  console.log(`${ok ? "ok  " : "FAIL"} ${what}${ok ? "" : `: ${detail}`}`);
  if (!ok) failures++;
};
try {
  const once = await train(["SIGINT"]);
  check("one Ctrl-C: the save finishes, exit 130, with a message", once.code === 130 && once.stderr.includes("Model saved to") && (await temps()).length === 0, `${once.code} ${once.stderr}`);
  const before = await readFile(model);
  const twice = await train(["SIGINT", "SIGINT"]);
  const after = await readFile(model);
  check("two Ctrl-C: the save is abandoned, no temporary file, the earlier model unchanged", twice.code === 130 && twice.stderr.includes("Save abandoned") && (await temps()).length === 0 && Buffer.compare(before, after) === 0, `${twice.code} ${twice.stderr}`);
  await train(["SIGKILL"]);
  const left = (await temps()).length;
  const next = await train([], "4");
  check("a killed save's temporary file is removed by the next save", left === 1 && next.code === 0 && (await temps()).length === 0, `left ${left}, next ${next.code} ${next.stderr}`);
} finally {
  await rm(dir, { recursive: true, force: true });
}
process.exitCode = failures ? 1 : 0;
