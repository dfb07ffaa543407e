import { assert, test } from "../_harness.ts";
import { Rng } from "../../core/rng.ts";
import { parseCsvText } from "../../frame/csv.ts";

// Random tables written with correct quoting must read back value for value: numbers exactly as
// Number() reads them, text exactly as written, missing values as null. Fixed seeds. (An empty
// line is skipped, so a one-column table writes a missing value as "" or NA.)

const NUMBERS = ["0", "-0", "7", "-12", "3.25", "0.1", "1e3", "-2.5E-3", "123456789", "99999999999999999", ".5", "Inf", "16777217", "+4"];
const TEXTS = ["a", "b c", "x,y", 'say "hi"', "two\nlines", "cr\r\nlf", " lead", "trail ", "ü", "日本", "N/A", "NaN", "0x10", "1,5", "'q'", "|", ";", "\t"];

function pick<T>(rng: Rng, xs: readonly T[]): T {
  return xs[rng.below(xs.length)];
}

/** Quotes a field when it must be (separator, quote, line break, surrounding blanks) or at random. */
function quote(rng: Rng, s: string): string {
  const must = /[",\r\n]/.test(s) || s !== s.trim() || s === "";
  return must || rng.uniform() < 0.2 ? `"${s.replaceAll('"', '""')}"` : s;
}

test("parseCsv() reads random quoted tables back exactly (seeds 1..60)", () => {
  for (let seed = 1; seed <= 60; seed++) {
    const rng = new Rng(seed);
    const ncol = 1 + rng.below(6);
    const nrow = 1 + rng.below(40);
    // Per column: numbers only, or a mix of numbers and text; missing values anywhere.
    const kinds = Array.from({ length: ncol }, () => (rng.uniform() < 0.5 ? "numeric" : "text"));
    const cells: (string | null)[][] = Array.from({ length: nrow }, () =>
      kinds.map((k) => (rng.uniform() < 0.1 ? null : k === "numeric" || rng.uniform() < 0.3 ? pick(rng, NUMBERS) : pick(rng, TEXTS)))
    );
    const names = kinds.map((_, j) => `col${j}`);
    const eol = rng.uniform() < 0.5 ? "\n" : "\r\n";
    const lines = [names.join(","), ...cells.map((r) => r.map((v) => (v === null ? pick(rng, ncol === 1 ? ['""', "NA"] : ["", '""', "NA"]) : quote(rng, v))).join(","))];
    const text = lines.join(eol) + (rng.uniform() < 0.5 ? eol : "");
    const f = parseCsvText(text, { header: true, sep: "," });
    assert(f.nrow === nrow, `seed ${seed}: ${f.nrow} rows, expected ${nrow}`);
    names.forEach((name, j) => {
      const col = f.col(name);
      // "N/A" and "NaN" are missing in a numeric column and text in a categorical one.
      const numericNa = (v: string | null) => v === "N/A" || v === "NaN";
      const allNumbers = cells.every((r) => r[j] === null || NUMBERS.includes(r[j]!) || numericNa(r[j]));
      assert(col.type === (allNumbers ? "numeric" : "categorical"), `seed ${seed} ${name}: type ${col.type}`);
      for (let i = 0; i < nrow; i++) {
        const want = cells[i][j];
        const got = f.value(i, name);
        const expected = want === null || (allNumbers && numericNa(want)) ? null : allNumbers ? (want.endsWith("Inf") ? Infinity : Number(want)) : want;
        assert(Object.is(got, expected), `seed ${seed} ${name} row ${i}: got ${JSON.stringify(got)}, expected ${JSON.stringify(expected)} from ${JSON.stringify(want)}`);
      }
    });
  }
});
