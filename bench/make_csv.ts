/**
 * Writes a large mixed CSV for memory checks of `tide describe` (never committed: it is
 * about 180 MB): 1,000,000 rows × 25 columns of ids, ages, counts, flags, years, 14 Gaussian
 * reals with 6 decimals, prices, rates, scores, two categorical columns and one mostly missing.
 *
 *   bun bench/make_csv.ts [/tmp/big1m.csv] [rows]
 *   /usr/bin/time -v bun cli/main.ts describe /tmp/big1m.csv   # "Maximum resident set size"
 * @module
 */
import { openSync, writeSync, closeSync } from "node:fs";
import process from "node:process";

const path = process.argv[2] ?? "/tmp/big1m.csv";
const rows = Number(process.argv[3] ?? 1_000_000);
let seed = 1;
const rand = () => ((seed = (seed * 16807) % 2147483647) / 2147483647);
const gauss = () => Math.sqrt(-2 * Math.log(rand())) * Math.cos(2 * Math.PI * rand());
const int = (a: number, b: number) => a + Math.floor(rand() * (b - a + 1));
const cats = ["red", "green", "blue", "cyan", "magenta"];
const fd = openSync(path, "w");
const header = ["id", "age", "count", "flag", "year", ...Array.from({ length: 14 }, (_, i) => `x${i}`), "price", "rate", "score", "cat", "grade", "missing"];
let out = header.join(",") + "\n";
for (let r = 0; r < rows; r++) {
  const f = [String(r + 1), String(int(18, 90)), String(int(0, 5000)), String(int(0, 1)), String(int(1950, 2025))];
  for (let i = 0; i < 14; i++) f.push(gauss().toFixed(6));
  f.push((1 + rand() * 998).toFixed(2), rand().toFixed(4), (rand() * 100).toFixed(1), cats[int(0, 4)], "ABCDEF"[int(0, 5)], rand() < 0.9 ? "" : String(int(0, 9)));
  out += f.join(",") + "\n";
  if (out.length > 1 << 20) {
    writeSync(fd, out);
    out = "";
  }
}
writeSync(fd, out);
closeSync(fd);
console.log(`wrote ${path}: ${rows} rows × ${header.length} columns`);
