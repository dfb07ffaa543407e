import { assert, assertEquals, assertThrows, test } from "../_harness.ts";
import { parseCsv, parseCsvText } from "../../frame/csv.ts";

const enc = (s: string) => new TextEncoder().encode(s);

test("parseCsv() names the line, the field counts and the columns of a short row", async () => {
  const rows = ["a,b,c", "1,2,3", "4,5,6", "7,8", "9,10,11"];
  const e = await assertThrows(() => parseCsvText(rows.join("\n")), SyntaxError, "line 4 has 2 fields, expected 3");
  assert(e.message.includes('(columns "a", "b", "c")'), e.message);
});

test("parseCsv() names the line of a long row, counting the header line, blank lines and quoted newlines", async () => {
  const text = 'x,y\n1,"multi\nline"\n\n2,3\n4,5,6\n';
  await assertThrows(() => parseCsvText(text), SyntaxError, "line 6 has 3 fields, expected 2");
});

test("parseCsv() reports a ragged wide headerless row by its first and last column names", async () => {
  const row = (n: number) => Array.from({ length: n }, (_, i) => i % 256).join(",");
  const text = Array.from({ length: 20 }, (_, i) => row(i === 16 ? 784 : 785)).join("\n") + "\n";
  await assertThrows(() => parseCsvText(text), SyntaxError, 'line 17 has 784 fields, expected 785 (columns "C1" … "C785")');
});

test("parseCsv() names the source in every message", async () => {
  await assertThrows(() => parseCsvText("a,b\n1\n", { source: "data/x.csv" }), SyntaxError, 'Cannot parse CSV "data/x.csv": line 2');
});

test("parseCsv() reports an unterminated quote at the line where it opened", async () => {
  const e = await assertThrows(() => parseCsvText('a,b\n1,2\n3,"open\n4,5\n6,7\n'), SyntaxError, "line 3, column 2");
  assert(e.message.includes("never closed"), e.message);
  await assertThrows(() => parseCsvText('"a,b\n1,2\n'), SyntaxError, "line 1, column 1");
});

test("parseCsv() rejects text after a closing quote, naming the line and column", async () => {
  await assertThrows(() => parseCsvText('a,b\n1,2\n3,"x"y\n'), SyntaxError, 'line 3, column 2 ("b")');
});

test("parseCsv() rejects NUL bytes, naming line, column and byte offset", async () => {
  const bytes = enc("a,b\n1,x\n2,y\0z\n");
  await assertThrows(() => parseCsv(bytes), SyntaxError, 'bad bytes at line 3, column 2 ("b"), byte offset 11: a NUL byte');
  // In a numeric column too: it must not turn the column into text.
  await assertThrows(() => parseCsv(enc("a,b\n1,2\n3\0,4\n")), SyntaxError, 'bad bytes at line 3, column 1 ("a"), byte offset 9');
});

test("parseCsv() rejects invalid UTF-8, naming the offset of the first bad byte", async () => {
  const bytes = new Uint8Array([...enc("a,b\n1,ok\n2,ab"), 0xc3, 0x28, ...enc("\n")]);
  await assertThrows(() => parseCsv(bytes), SyntaxError, "line 3, column 2 (\"b\"), byte offset 13: invalid UTF-8");
  // A header name too.
  await assertThrows(() => parseCsv(new Uint8Array([...enc("x,"), 0xff, ...enc("\n1,2\n")]), { header: true }), SyntaxError, "line 1, column 2");
});

test("parseCsv() rejects text in a column declared numeric and says how to fix it", async () => {
  const e = await assertThrows(
    () => parseCsvText("a,b\n1,2\n3,oops\n", { columnTypes: { b: "numeric" } }),
    SyntaxError,
    'line 3, column 2 ("b") is declared numeric',
  );
  assert(e.message.includes('"naStrings"'), e.message);
});

test("parseCsv() rejects bad options with TypeError or RangeError", async () => {
  await assertThrows(() => parseCsvText("a\n1\n", { sep: ",," }), TypeError, '"sep" must be one ASCII character');
  await assertThrows(() => parseCsvText("a\n1\n", { sep: '"' }), TypeError, '"sep"');
  await assertThrows(() => parseCsvText("a\n1\n", { sep: "." }), TypeError, "other than a digit, sign, dot");
  await assertThrows(() => parseCsvText("a\n1\n", { header: "yes" as unknown as boolean }), TypeError, '"header" must be');
  await assertThrows(() => parseCsvText("a\n1\n", { naStrings: "NA" as unknown as string[] }), TypeError, '"naStrings"');
  await assertThrows(() => parseCsvText("a\n1\n", { columnTypes: { z: "numeric" } }), RangeError, 'names column "z"');
  await assertThrows(() => parseCsvText("a\n1\n", { columnTypes: { a: "int" as "numeric" } }), TypeError, '"numeric", "categorical" or "string"');
  await assertThrows(() => parseCsv("a,b" as unknown as Uint8Array), TypeError, "expected a Uint8Array");
});

test("parseCsv() reads the same escaped and bare spellings of a value as one level", () => {
  const f = parseCsvText('k,n\n"a""b",1\na"b,2\n"a""b",3\n"x",4\nx,5\n');
  const k = f.col("k");
  assert(k.type === "categorical");
  assertEquals(k.domain, ['a"b', "x"]);
  assertEquals(Array.from(k.codes), [0, 0, 0, 1, 1]);
});
