/**
 * Property-based fuzzing of the CSV reader (fast-check), a bounded number of cases with fixed
 * seeds; `bun scripts/fuzz.ts` runs the same properties for much longer.
 */
import fc from "fast-check";
import { test } from "../_harness.ts";
import { checkCsv, csvBytes, csvTables } from "./_csv_fuzz.ts";

test("parseCsv() fuzz: arbitrary CSV-ish bytes parse and round-trip, or fail naming file and line (1,000 cases)", () => {
  fc.assert(fc.property(csvBytes, (b) => void checkCsv(b)), { numRuns: 1000, seed: 7 });
});

test("parseCsv() fuzz: random tables parse and round-trip, or fail naming file and line (300 cases)", () => {
  fc.assert(fc.property(csvTables, (b) => void checkCsv(b)), { numRuns: 300, seed: 11 });
});
