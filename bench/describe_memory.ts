/**
 * Peak memory and time of `tide describe` on a large CSV: 1,000,000 rows × 25 columns (about
 * 220 MB: 20 numeric columns (5 integer, 15 with 6 decimals), 5 categorical ones), written once to
 * the temporary folder (never committed). Runs the command as a child process under
 * `/usr/bin/time` and prints its wall and CPU time (CPU time is the steadier figure on a shared
 * machine) and peak RSS, and the RSS as a multiple of the file
 * size (the goal is at most 2×).
 *
 *   bun bench/describe_memory.ts [--rows 1000000] [--runs 3]
 * @module
 */
import { spawnSync } from "node:child_process";
import { createWriteStream, existsSync, statSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import process from "node:process";
import { Rng } from "../core/rng.ts";

const flag = (name: string, dflt: number) => {
  const i = process.argv.indexOf(`--${name}`);
  return i > 0 ? Number(process.argv[i + 1]) : dflt;
};
const rows = flag("rows", 1_000_000), runs = flag("runs", 3);
const path = join(tmpdir(), `tide-describe-${rows}x25.csv`);

if (!existsSync(path)) {
  const rng = new Rng(42);
  const out = createWriteStream(path);
  const cats = ["alpha", "beta", "gamma", "delta", "epsilon", "zeta", "eta", "theta"];
  const header = [...Array.from({ length: 20 }, (_, j) => `x${j + 1}`), ...Array.from({ length: 5 }, (_, j) => `c${j + 1}`)];
  out.write(header.join(",") + "\n");
  const lines: string[] = [];
  for (let r = 0; r < rows; r++) {
    const f: string[] = [];
    for (let j = 0; j < 20; j++) f.push(j < 5 ? String(rng.below(1000)) : (rng.uniform() * 2000 - 1000).toFixed(6));
    for (let j = 0; j < 5; j++) f.push(cats[rng.below(cats.length)]);
    lines.push(f.join(","));
    if (lines.length === 10_000) {
      if (!out.write(lines.join("\n") + "\n")) await new Promise((ok) => out.once("drain", ok));
      lines.length = 0;
    }
  }
  if (lines.length) out.write(lines.join("\n") + "\n");
  await new Promise((ok) => out.end(ok));
}
const size = statSync(path).size;
console.log(`${path}: ${rows.toLocaleString("en-US")} rows × 25 columns, ${(size / 1e6).toFixed(0)} MB`);
const main = new URL("../cli/main.ts", import.meta.url).pathname;
for (let k = 0; k < runs; k++) {
  const r = spawnSync("/usr/bin/time", ["-f", "%e %M %U %S", process.execPath, main, "describe", path], { encoding: "utf8" });
  const last = r.stderr.trim().split("\n").pop() ?? "";
  const [wall, kb, user, sys] = last.split(" ").map(Number);
  console.log(`run ${k + 1}: exit ${r.status}, ${wall.toFixed(2)} s wall (${(user + sys).toFixed(2)} s CPU), peak RSS ${(kb / 1024).toFixed(0)} MiB = ${((kb * 1024) / size).toFixed(2)} × the file`);
}
