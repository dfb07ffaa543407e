import { assert, assertClose, assertEquals, test } from "../_harness.ts";
import { parseCsv, parseCsvText } from "../../frame/csv.ts";
import type { Frame } from "../../frame/frame.ts";

const enc = (s: string) => new TextEncoder().encode(s);
/** Every value of a column as users see it (number, level, string or null). */
const values = (f: Frame, name: string) => Array.from({ length: f.nrow }, (_, i) => f.value(i, name));

test("parseCsv() reads quoted fields with escaped quotes, separators and newlines inside", () => {
  const f = parseCsvText('id,text\n1,"a, b"\n2,"say ""hi"""\n3,"two\nlines"\n4,"two\r\nlines"\n5,plain\n');
  assertEquals(f.names, ["id", "text"]);
  assertEquals(values(f, "id"), [1, 2, 3, 4, 5]);
  assertEquals(f.col("text").type, "categorical");
  assertEquals(values(f, "text"), ["a, b", 'say "hi"', "two\nlines", "two\r\nlines", "plain"]);
});

test("parseCsv() treats a quote inside an unquoted field as data and allows blanks around quoted fields", () => {
  const f = parseCsvText('h,w\n5\'11",x\n6, "y, z" \n', { header: true });
  assertEquals(values(f, "h"), ["5'11\"", "6"]);
  assertEquals(values(f, "w"), ["x", "y, z"]);
});

test("parseCsv() reads CRLF, LF and lone-CR line breaks, skips blank lines and needs no final newline", () => {
  for (const text of ["a,b\r\n1,2\r\n\r\n3,4\r\n", "a,b\n\n1,2\n3,4", "a,b\r1,2\r\r3,4\r", "\n\na,b\n1,2\n\n\n3,4\n\n"]) {
    const f = parseCsvText(text);
    assertEquals(f.names, ["a", "b"], JSON.stringify(text));
    assertEquals(values(f, "a"), [1, 3], JSON.stringify(text));
    assertEquals(values(f, "b"), [2, 4], JSON.stringify(text));
  }
});

test("parseCsv() grows its columns when lone-CR line breaks defeat the line-feed count", () => {
  const rows = ["i,sq"];
  for (let i = 0; i < 3000; i++) rows.push(`${i},${i * i}`);
  const f = parseCsvText(rows.join("\r"));
  assertEquals(f.nrow, 3000);
  assertEquals(f.value(2999, "sq"), 2999 * 2999);
});

test("parseCsv() reads a space-separated file with an explicit sep, empty fields included", () => {
  const f = parseCsvText('a b  c\n1 2  3\n4 "x y" 5 6\n', { sep: " ", header: true });
  assertEquals(f.names, ["a", "b", "C3", "c"]);
  assertEquals(values(f, "b"), ["2", "x y"]);
  assertEquals(values(f, "C3"), [null, 5]);
});

test("parseCsv() skips a UTF-8 BOM and keeps UTF-8 text", () => {
  const f = parseCsv(new Uint8Array([0xef, 0xbb, 0xbf, ...enc("name,n\nzoë,1\n日本,2\n")]));
  assertEquals(f.names, ["name", "n"]);
  assertEquals(values(f, "name"), ["zoë", "日本"]);
});

test("parseCsv() detects comma, tab, semicolon and pipe separators", () => {
  for (const sep of [",", "\t", ";", "|"]) {
    const f = parseCsvText(["x", "y", "z"].join(sep) + "\n" + ["1", "2.5", "a"].join(sep) + "\n" + ["3", "4", "b"].join(sep) + "\n");
    assertEquals(f.names, ["x", "y", "z"], `sep ${JSON.stringify(sep)}`);
    assertEquals(values(f, "y"), [2.5, 4]);
  }
  // Commas inside quotes do not vote for the comma.
  const g = parseCsvText('a;b\n"1,5";2\n"3,5";4\n');
  assertEquals(g.names, ["a", "b"]);
  assertEquals(values(g, "a"), ["1,5", "3,5"]);
  // An explicit separator wins.
  assertEquals(parseCsvText("a,b;c\n1,2;3\n", { sep: ";" }).names, ["a,b", "c"]);
  // No separator at all: one column.
  assertEquals(values(parseCsvText("x\n1\n2\n"), "x"), [1, 2]);
});

test("parseCsv() names headerless columns C1..Cn", () => {
  const f = parseCsvText("1,2,3\n4,5,6\n");
  assertEquals(f.names, ["C1", "C2", "C3"]);
  assertEquals(values(f, "C3"), [3, 6]);
});

test("parseCsv() detects a header where the first row is text over numeric columns", () => {
  assertEquals(parseCsvText("x,y\n1,2\n").names, ["x", "y"]);
  // A text column under a text header still counts as a header when a numeric column has one.
  assertEquals(parseCsvText("name,age\nann,31\nbob,42\n").names, ["name", "age"]);
  // An empty header name over a numeric column (pandas' index) is a header too; it is named C1.
  const f = parseCsvText(",a\n0,1.5\n1,2.5\n");
  assertEquals(f.names, ["C1", "a"]);
  assertEquals(values(f, "C1"), [0, 1]);
});

test("parseCsv() reads the first row as data when it is not a header", () => {
  // A number in a numeric column: data.
  assertEquals(parseCsvText("1,2\n3,4\n").nrow, 2);
  // Text over text only: no way to tell, so data (pass header: true).
  const f = parseCsvText("red,small\nblue,large\n");
  assertEquals(f.names, ["C1", "C2"]);
  assertEquals(f.nrow, 2);
  // Text in one numeric column but a number in another: the first row is data, the column is categorical.
  const g = parseCsvText("oops,1\n2,3\n4,5\n");
  assertEquals(g.names, ["C1", "C2"]);
  assertEquals(g.types, ["categorical", "numeric"]);
  assertEquals(values(g, "C1"), ["oops", "2", "4"]);
});

test("parseCsv() honours header: true and header: false", () => {
  const f = parseCsvText("red,small\nblue,large\n", { header: true });
  assertEquals(f.names, ["red", "small"]);
  assertEquals(f.nrow, 1);
  const g = parseCsvText("x,y\n1,2\n", { header: false });
  assertEquals(g.names, ["C1", "C2"]);
  assertEquals(values(g, "C1"), ["x", "1"]);
  // A header and nothing else: columns with no rows.
  const h = parseCsvText("a,b\n", { header: true });
  assertEquals([h.names, h.nrow], [["a", "b"], 0]);
});

test("parseCsv() makes empty and repeated header names unique", () => {
  const f = parseCsvText(" a ,a,,a_2,C3,b\n1,2,3,4,5,6\n", { header: true });
  assertEquals(f.names, ["a", "a_3", "C3_2", "a_2", "C3", "b"]);
});

test("parseCsv() reads an empty input as an empty frame", () => {
  assertEquals(parseCsvText("").ncol, 0);
  assertEquals(parseCsvText("\n\r\n\n").ncol, 0);
});

test("parseCsv() guesses numeric and categorical columns, sorting domains by bytes", () => {
  const f = parseCsvText("n,c,mixed\n1,b,10\n2,B,2\n3,a,x\n4,é,10\n5,b,\n");
  assertEquals(f.types, ["numeric", "categorical", "categorical"]);
  const c = f.col("c");
  assert(c.type === "categorical");
  assertEquals(c.domain, ["B", "a", "b", "é"]);
  assertEquals(Array.from(c.codes), [2, 0, 1, 3, 2]);
  const m = f.col("mixed");
  assert(m.type === "categorical");
  assertEquals(m.domain, ["10", "2", "x"]); // lexicographic, as H2O sorts levels
  assertEquals(values(f, "mixed"), ["10", "2", "x", "10", null]);
});

test("parseCsv() retypes a numeric column that meets text after the guess sample, keeping every value's text", () => {
  const rows = ["v"];
  for (let i = 0; i < 1500; i++) rows.push(i % 7 === 0 ? "NA" : i === 3 ? "3.50" : i === 5 ? "NaN" : i === 6 ? "+6" : String(i));
  rows.push("late text");
  const f = parseCsvText(rows.join("\n") + "\n");
  const c = f.col("v");
  assert(c.type === "categorical", `expected categorical, got ${c.type}`);
  const got = values(f, "v");
  assertEquals(got.length, 1501);
  assertEquals(got.slice(0, 8), [null, "1", "2", "3.50", "4", "NaN", "+6", null]);
  assertEquals(got[1500], "late text");
  // The same as declaring the column categorical up front.
  const declared = parseCsvText(rows.join("\n") + "\n", { columnTypes: { v: "categorical" } });
  assertEquals(declared.col("v"), c);
});

test("parseCsv() retypes several columns at different rows in one recovery pass", () => {
  const rows = ["a,b,c"];
  for (let i = 0; i < 1200; i++) rows.push(`${i === 1100 ? "x" : i},${i},${i === 1050 ? "y" : i / 4}`);
  const f = parseCsvText(rows.join("\n"));
  assertEquals(f.types, ["categorical", "numeric", "categorical"]);
  assertEquals(f.value(1099, "a"), "1099");
  assertEquals(f.value(1100, "a"), "x");
  assertEquals(f.value(1049, "c"), String(1049 / 4));
  assertEquals(f.value(1050, "c"), "y");
  assertEquals(f.value(1199, "b"), 1199);
});

test("parseCsv() reads a column with very many distinct values as string", () => {
  const rows = ["id,k"];
  for (let i = 0; i < 12_000; i++) rows.push(`u${i},${i % 3 === 0 ? "a" : "b"}`);
  // Text over text cannot show a header (see the header tests), so it is declared.
  const f = parseCsvText(rows.join("\n"), { header: true });
  assertEquals(f.types, ["string", "categorical"]);
  assertEquals(f.value(11_999, "id"), "u11999");
  // Declaring it categorical keeps it categorical.
  const g = parseCsvText(rows.join("\n"), { header: true, columnTypes: { id: "categorical" } });
  assertEquals(g.types, ["categorical", "categorical"]);
});

test("parseCsv() columnTypes overrides the guess", () => {
  const f = parseCsvText("a,b,c\n1,2,x\n10,3,y\n", { columnTypes: { a: "categorical", b: "string", c: "string" } });
  assertEquals(f.types, ["categorical", "string", "string"]);
  const a = f.col("a");
  assert(a.type === "categorical");
  assertEquals(a.domain, ["1", "10"]);
  assertEquals(values(f, "b"), ["2", "3"]);
});

test("parseCsv() reads NA strings: empty and NA everywhere, N/A NaN nan null NULL in numeric columns", () => {
  const f = parseCsvText("x,y\n1,a\nNA,NA\n,\nN/A,null\nNaN,b\nnan,NULL\nnull,c\nNULL,N/A\n\"\",\"NA\"\n");
  assertEquals(f.col("x").type, "numeric");
  assertEquals(values(f, "x"), [1, null, null, null, null, null, null, null, null]);
  assertEquals(values(f, "y"), ["a", null, null, "null", "b", "NULL", "c", "N/A", null]);
  assertEquals(f.describe()[0].missing, 8);
});

test("parseCsv() naStrings replaces the defaults; an empty field stays missing", () => {
  const f = parseCsvText("x,y\n1,a\n-999,-\n,NA\n-999.0,b\n", { naStrings: ["-999", "-"] });
  assertEquals(values(f, "x"), [1, null, null, -999]); // NA strings match the exact text
  assertEquals(parseCsvText('x\n1\n"-999"\n7\n', { naStrings: ["-999"] }).col("x").type, "numeric");
  assertEquals(values(f, "y"), ["a", null, "NA", "b"]);
  // "NaN" is no longer missing, so the column is text.
  assertEquals(parseCsvText("x\n1\nNaN\n", { naStrings: [] }).types, ["categorical"]);
});

test("parseCsv() parses numbers exactly as Number() does", () => {
  const tokens = [
    "0", "-0", "+7", "007", "42", "-17", "3.25", ".5", "-.5", "5.", "1e3", "1E-3", "-2.5e+2", "0.1", "0.30000000000000004",
    "123456789012345", "1234567890123456789", "9007199254740993", "1.7976931348623157e308", "1e309", "4.9e-324", "1e-400",
    "3.141592653589793238462643383279", "0.000001", "100000000000000000000000", "16777217", "2.5e-7", " 12 ",
  ];
  const f = parseCsvText("v\n" + tokens.join("\n") + "\n");
  const got = values(f, "v") as number[];
  tokens.forEach((t, i) => assert(Object.is(got[i], Number(t)), `${JSON.stringify(t)}: got ${got[i]}, expected ${Number(t)}`));
  assertEquals(f.col("v").type, "numeric");
});

test("parseCsv() reads Inf, -Inf and Infinity as infinities", () => {
  const f = parseCsvText("v\nInf\n-Inf\n+inf\nInfinity\n-Infinity\n1\n");
  assertClose(values(f, "v") as number[], [Infinity, -Infinity, Infinity, Infinity, -Infinity, 1]);
});

test("parseCsv() does not read hex, binary or a bare sign as numbers", () => {
  for (const t of ["0x1F", "0b101", "-", "+", ".", "1e", "1_000", "1,5"]) {
    const f = parseCsvText(`v\n1\n"${t}"\n`, { header: true });
    assertEquals(f.col("v").type, "categorical", t);
  }
});

test("parseCsv() stores each numeric column in its narrowest exact encoding", () => {
  const f = parseCsvText("i,h,big,d,late,nan\n1,0.5,16777216,0.1,1,\n2,-2.25,-3,2,2,\n3,1e10,4,3,16777217,NA\n");
  const type = (n: string) => {
    const c = f.col(n);
    return c.type === "numeric" ? c.data.storage : c.type;
  };
  assertEquals(["i", "h", "big", "d", "late", "nan"].map(type), ["int8", "float32", "int32", "float64", "int32", "missing"]);
  // Widening keeps the earlier values.
  assertEquals(values(f, "late"), [1, 2, 16777217]);
  assertEquals(values(f, "d"), [0.1, 2, 3]);
});

test("parseCsv() widens to Float64 on values that reach it through the slow path", () => {
  const f = parseCsvText('v\n1\n"0.1"\n1e-1\n');
  const c = f.col("v");
  assert(c.type === "numeric" && c.data.storage === "float64");
  assertEquals(values(f, "v"), [1, 0.1, 0.1]);
});

test("parseCsv() accepts Buffer-like subclasses and subarrays", () => {
  const whole = enc("junk\na,b\n1,2\n");
  const f = parseCsv(whole.subarray(5));
  assertEquals(f.names, ["a", "b"]);
  assertEquals(values(f, "b"), [2]);
});

test("parseCsv() reads the iris fixture (CRLF, blank line, NA)", async () => {
  const bytes = new Uint8Array(await (await import("node:fs/promises")).readFile(new URL("../vectors/csv/iris_small.csv", import.meta.url)));
  const f = parseCsv(bytes);
  assertEquals(f.names, ["sepal_len", "sepal_wid", "petal_len", "petal_wid", "species"]);
  assertEquals(f.types, ["numeric", "numeric", "numeric", "numeric", "categorical"]);
  assertEquals(f.nrow, 6);
  assertEquals(values(f, "sepal_wid"), [3.5, 3, 3.2, 3.2, 3.3, null]);
  const sp = f.col("species");
  assert(sp.type === "categorical");
  assertEquals(sp.domain, ["setosa", "versicolor", "virginica"]);
});

test("parseCsv() reads the quoted semicolon fixture", async () => {
  const bytes = new Uint8Array(await (await import("node:fs/promises")).readFile(new URL("../vectors/csv/quoted_semicolon.csv", import.meta.url)));
  const f = parseCsv(bytes);
  assertEquals(f.names, ["id", "name", "note"]);
  assertEquals(values(f, "name"), ["Smith; John", "Doe\nJane", "Bob"]);
  assertEquals(values(f, "note"), ['said "hi"', null, "plain"]);
});
