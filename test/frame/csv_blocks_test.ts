/**
 * The reader reads files block by block (`blockSize`): records, quoted fields and CRLF line
 * breaks split across blocks must read exactly as the whole bytes do, errors included.
 */
import fc from "fast-check";
import { assert, assertEquals, test } from "../_harness.ts";
import { parseCsv, parseCsvText } from "../../frame/csv.ts";
import type { CsvOptions } from "../../frame/csv.ts";
import { type Frame, levelAt } from "../../frame/frame.ts";
import { csvBytes, csvTables } from "./_csv_fuzz.ts";

const enc = new TextEncoder();

/** Names, types, storage and every cell (-0 kept apart from 0), or the error message. */
function snapshot(bytes: Uint8Array, options: CsvOptions): string {
  let f: Frame;
  try {
    f = parseCsv(bytes, { source: "blocks.csv", ...options });
  } catch (e) {
    return `${(e as Error).name}: ${(e as Error).message}`;
  }
  const cols = f.columns.map((c) => {
    const out: unknown[] = [];
    for (let r = 0; r < f.nrow; r++) {
      if (c.type === "numeric") {
        const v = c.data.at(r);
        out.push(Object.is(v, -0) ? "-0" : Number.isNaN(v) ? null : v);
      } else if (c.type === "categorical") out.push(levelAt(c, r));
      else out.push(c.data[r]);
    }
    return [c.name, c.type, out];
  });
  return JSON.stringify([f.nrow, f.storage().map((s) => s.storage), cols]);
}

/** Reads `bytes` whole and in blocks of each size; all must agree. */
function sameInBlocks(bytes: Uint8Array, sizes: number[], options: CsvOptions = {}): string {
  const whole = snapshot(bytes, options);
  for (const blockSize of sizes) {
    const got = snapshot(bytes, { ...options, blockSize });
    if (got !== whole) throw new Error(`blockSize ${blockSize} differs on ${JSON.stringify(new TextDecoder().decode(bytes))}:\n${got}\nwhole:\n${whole}`);
  }
  return whole;
}

const ALL_SMALL = [1, 2, 3, 4, 5, 7, 8, 11, 16, 64, 1000];

/**
 * The guess reads up to 1000 rows before any row is stored (and the first block grows by
 * doubling until it holds them), so the blocks only come into play well after them: `N` lines
 * of plain data (matching `first`'s columns) come before `rest`.
 */
const N = 3000;
function afterGuess(first: string, row: string, rest: string, rows = N): Uint8Array {
  return enc.encode(first + `${row}\n`.repeat(rows) + rest);
}

/**
 * Fuzz input repeated until it has more lines than the guess reads (at most 64 KiB), so that
 * the row loop, not only the guess, meets the block boundaries.
 */
function repeated(b: Uint8Array): Uint8Array {
  let breaks = 0;
  for (const c of b) if (c === 10 || c === 13) breaks++;
  const times = Math.min(Math.ceil(3500 / Math.max(1, breaks)), Math.floor(65536 / Math.max(1, b.length)));
  const out = new Uint8Array(b.length * Math.max(1, times));
  for (let o = 0; o < out.length; o += b.length) out.set(b, o);
  return out;
}

test("parseCsv() blocks: a line split across blocks reads as the whole", () => {
  const text = "x,y,label\n1,0.5,a\n22,-1.25,bb\n333,NA,a\n4444,3,ccc\n";
  sameInBlocks(enc.encode(text), ALL_SMALL);
  const long = afterGuess("x,y,label\n", "0,0,a", "1,0.5,a\n22,-1.25,bb\n333,NA,a\n4444,3,ccc\n70000,1e300,d");
  sameInBlocks(long, ALL_SMALL);
  const f = parseCsv(long, { blockSize: 5 });
  assertEquals([f.nrow, f.names, f.types], [N + 5, ["x", "y", "label"], ["numeric", "numeric", "categorical"]]);
  assertEquals([f.value(N + 3, "x"), f.value(N + 4, "x"), f.value(N + 4, "y"), f.value(N + 4, "label")], [4444, 70000, 1e300, "d"]);
  assertEquals(f.storage().map((s) => s.storage), ["int32", "float64", "int8"]);
});

test("parseCsv() blocks: a quoted field with an embedded newline split across blocks", () => {
  const text = 'id,note\n1,"first\nsecond"\n2,"a ""quoted""\r\nword"\n3,plain\n';
  const shown = sameInBlocks(enc.encode(text), ALL_SMALL);
  assert(shown.includes('"first\\nsecond"'), shown);
  const f = parseCsvText(text, { blockSize: 3 });
  assertEquals(f.value(1, "note"), 'a "quoted"\r\nword');
  const long = afterGuess("id,note\n", "0,x", text.slice(8));
  sameInBlocks(long, ALL_SMALL);
  const g = parseCsv(long, { blockSize: 3 });
  assertEquals([g.nrow, g.value(N, "note"), g.value(N + 1, "note"), g.value(N + 2, "note")], [N + 3, "first\nsecond", 'a "quoted"\r\nword', "plain"]);
  // A quoted field longer than many blocks, also in the rows a late retyping re-reads.
  sameInBlocks(afterGuess("id,note\n", '0,"a\nb"', `1,"${"x\n".repeat(300)}"\nlate,y\n`), [1, 16, 100]);
  sameInBlocks(afterGuess("id,note\n", "0,x", `1,"${"long\n".repeat(500)}"\n2,y\n`), [1, 16, 100]);
  // The line numbers after a multi-line field stay right.
  const bad = 'a,b\n1,"x\ny"\n2,3\n4\n';
  assertEquals(snapshot(enc.encode(bad), { blockSize: 2 }), snapshot(enc.encode(bad), {}));
  assert(snapshot(enc.encode(bad), { blockSize: 2 }).includes("line 5 has 1 field"));
  const badLong = afterGuess("a,b\n", "0,0", '1,"x\ny"\n2,3\n4\n');
  assert(sameInBlocks(badLong, ALL_SMALL).includes(`line ${N + 5} has 1 field`));
});

test("parseCsv() blocks: CRLF split across blocks is one line break, a lone CR is one too", () => {
  const text = "a,b\r\n1,2\r\n3,4\r\n\r\n5,6\r\n";
  for (let k = 1; k <= text.length; k++) {
    const f = parseCsvText(text, { blockSize: k });
    assertEquals([f.nrow, f.value(2, "b")], [3, 6], `blockSize ${k}`);
  }
  const long = afterGuess("a,b\r\n", "0,0\r", "1,2\r\n3,4\r\n\r\n5,6\r\n");
  for (let k = 1; k <= 12; k++) {
    const f = parseCsv(long, { blockSize: k });
    assertEquals([f.nrow, f.value(N + 2, "b")], [N + 3, 6], `blockSize ${k}`);
  }
  sameInBlocks(long, ALL_SMALL);
  // Line numbers after CRLF and blank lines split across blocks.
  const ragged = afterGuess("a,b\r\n", "10,20\r", "\r\n\r\n1,2\r\n\r\n\r\n3\r\n");
  assert(sameInBlocks(ragged, [1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 13, 64]).includes(`line ${N + 7} has 1 field`));
  sameInBlocks(enc.encode("a,b\r1,2\r3,4\r"), ALL_SMALL);
  sameInBlocks(afterGuess("a,b\r", "0,0\r", "1,2\r3,4\r").map((c) => (c === 10 ? 13 : c)).filter((c, i, a) => !(c === 13 && a[i - 1] === 13)), ALL_SMALL);
  sameInBlocks(enc.encode("a,b\r\n1,x\r\n3,4\r\n7"), ALL_SMALL);
});

test("parseCsv() blocks: the header guess, late retyping, NA strings and a BOM read the same", () => {
  // A numeric column meets text after many blocks: the rows before are re-read from their text.
  const rows = Array.from({ length: N }, (_, i) => `${i % 7 === 0 ? "3.50" : i % 11 ? i : "007"},${i % 3 ? "+6" : "NaN"},c${i % 4}`);
  rows.push("late,1,c1");
  for (let k = 0; k < 100; k++) rows.push(`${k},${k},c${k % 5}`);
  rows.push("1,x,c1");
  const text = "\ufeffn,m,c\n" + rows.join("\n") + "\n";
  const whole = sameInBlocks(enc.encode(text), [1, 7, 64, 1000, 3000]);
  assert(whole.includes('"3.50"') && whole.includes('"+6"') && whole.includes('"late"') && whole.includes('"007"'), whole.slice(0, 300));
  // The same as declaring those columns categorical from the start.
  const declared = snapshot(enc.encode(text), { columnTypes: { n: "categorical", m: "categorical" } });
  assertEquals(whole, declared);
  assertEquals(snapshot(enc.encode(text), { blockSize: 100 }), declared);
  // The all-text header rule, and a first line that is data.
  sameInBlocks(enc.encode("color,size\nred,S\nblue,M\nred,L\n"), ALL_SMALL);
  sameInBlocks(enc.encode("red,small\nblue,large\n"), ALL_SMALL);
  sameInBlocks(enc.encode("7,y\n1,2\n3,4\n"), ALL_SMALL);
  sameInBlocks(afterGuess("a;b\n", "-999;x", "2;y\n-999;z\n3;NA\n"), ALL_SMALL, { naStrings: ["-999"] });
  sameInBlocks(enc.encode("a\tb\n1\t2\n"), ALL_SMALL);
});

test("parseCsv() blocks: errors name the same line, column and byte offset", () => {
  for (const text of ['a,b\n1,2\n3,"x\n', "a,b\n1,2\n3,4,5\n", 'a,b\n1,"q"x\n', "a,b\n1,2\n3\u0000,4\n", "a,b\n1,2\n3,\xff\n", 'a,b\n1,2\n3,4,"5\n6",7\n']) {
    for (const prefix of [false, true]) {
      const bytes = Uint8Array.from(text.slice(0, 4) + "1,2\n".repeat(prefix ? N : 0) + text.slice(4), (c) => c.charCodeAt(0));
      const whole = sameInBlocks(bytes, ALL_SMALL);
      assert(whole.startsWith("SyntaxError"), whole);
    }
  }
  const e = snapshot(enc.encode('a,b\n1,2\n3,"x\n'), { blockSize: 2 });
  assert(e.includes("line 3") && e.includes("byte offset 10"), e);
});

test("parseCsv() refuses a blockSize that is not a positive whole number", () => {
  for (const blockSize of [0, -1, 1.5, NaN, "8" as unknown as number]) {
    assertEquals(snapshot(enc.encode("a\n1\n"), { blockSize }).startsWith('TypeError: Cannot parse CSV "blocks.csv": "blockSize" must be a positive whole number'), true, String(blockSize));
  }
});

test("parseCsv() blocks fuzz: any bytes read in random blocks as they read whole (450 cases)", () => {
  fc.assert(fc.property(csvBytes, fc.integer({ min: 1, max: 40 }), (b, k) => void sameInBlocks(b, [k])), { numRuns: 300, seed: 3 });
  fc.assert(fc.property(csvTables, fc.integer({ min: 1, max: 40 }), (b, k) => void sameInBlocks(b, [k])), { numRuns: 100, seed: 5 });
  // Repeated past the guess's 1000 rows, so that rows too are split.
  const big = fc.integer({ min: 64, max: 3000 });
  fc.assert(fc.property(csvBytes, big, (b, k) => void sameInBlocks(repeated(b), [k])), { numRuns: 25, seed: 13 });
  fc.assert(fc.property(csvTables, big, (b, k) => void sameInBlocks(repeated(b), [k])), { numRuns: 25, seed: 17 });
});
