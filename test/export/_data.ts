/**
 * A small mixed data set for the export tests: categoricals (one with a level only the test rows
 * have), numerics, missing values of both kinds, and three responses (3 classes, 2 classes, a
 * count). Written as CSV files with a header into a fresh folder.
 * @module
 */
import { mkdtemp, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";

/** Paths of train.csv and test.csv. */
export async function mixedCsv(): Promise<{ dir: string; train: string; test: string }> {
  const dir = await mkdtemp(join(tmpdir(), "tide-export-"));
  let seed = 7;
  const rand = () => ((seed = (seed * 1103515245 + 12345) % 2147483648) / 2147483648);
  const colors = ["red", "green", "blue"];
  const sizes = ["S", "M", "L", "XL", "XXL"];
  const rows = (n: number, unseen: boolean) => {
    const out = ["color,size,x1,x2,flag,cls,bin,count"];
    for (let i = 0; i < n; i++) {
      const c = rand() < 0.08 ? "" : unseen && rand() < 0.1 ? "purple" : colors[Math.floor(rand() * 3)];
      const s = rand() < 0.05 ? "" : sizes[Math.floor(rand() * 5)];
      const x1 = rand() * 10 - 5, x2 = rand() * 100;
      const flag = rand() < 0.5 ? "yes" : "no";
      const score = x1 + (c === "red" ? 2 : c === "blue" ? -2 : 0) + sizes.indexOf(s) * 0.5 + (flag === "yes" ? 1 : 0) + (rand() - 0.5) * 2;
      const cls = score > 2 ? "high" : score > -1 ? "mid" : "low";
      out.push([c, s, rand() < 0.1 ? "" : x1.toFixed(4), rand() < 0.05 ? "NA" : x2.toFixed(2), flag, cls, score > 0.5 ? "Y" : "N", Math.max(0, Math.round(Math.exp(score / 4)))].join(","));
    }
    return out.join("\n") + "\n";
  };
  const train = join(dir, "train.csv"), test = join(dir, "test.csv");
  await writeFile(train, rows(600, false));
  await writeFile(test, rows(200, true));
  return { dir, train, test };
}
