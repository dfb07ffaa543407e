import { assert, assertEquals, assertThrows, test } from "../_harness.ts";
import * as aq from "arquero";
import { fromArquero, toArquero } from "../../frame/arquero.ts";
import { parseCsvText } from "../../frame/csv.ts";

const csv = "x,y,label,note\n1,0.1,a,p\n2,NA,b,q\n3,0.3,,r\n4,0.4,a,s\n";

test("toArquero() and fromArquero() round-trip every column type", () => {
  const f = parseCsvText(csv, { columnTypes: { note: "string" } });
  const t = toArquero(f);
  assertEquals(t.numRows(), 4);
  assertEquals(t.columnNames(), ["x", "y", "label", "note"]);
  assertEquals(t.get("label", 2), null);
  assertEquals(Array.from(t.column("x") as unknown as ArrayLike<number>), [1, 2, 3, 4]);
  // A float column's stored array is shared with the table, not copied.
  const y = f.col("y");
  assert(y.type === "numeric" && t.column("y") === y.data.raw, "float columns are shared, not copied");
  const g = fromArquero(t);
  assertEquals(g.names, f.names);
  assertEquals(g.columns, f.columns);
  const x = g.col("x");
  assert(x.type === "numeric" && x.data.storage === "int8", "whole numbers come back in one byte each");
});

test("fromArquero() keeps a categorical domain through filters and reorders, as H2O does", () => {
  const f = parseCsvText(csv);
  const t = toArquero(f).filter((d: { x: number }) => d.x > 2).orderby(aq.desc("x"));
  const g = fromArquero(t);
  assertEquals(g.nrow, 2);
  assertEquals(g.value(0, "x"), 4);
  const label = g.col("label");
  assert(label.type === "categorical");
  assertEquals(label.domain, ["a", "b"]);
  assertEquals(Array.from(label.codes), [0, -1]);
});

test("fromArquero() infers types of derived and plain columns", () => {
  const t = aq.table({
    n: [1, 2, null, 4],
    s: ["b", "a", "b", undefined],
    flag: [true, false, true, true],
    when: [new Date(0), new Date(1000), null, new Date(2000)],
    mixed: [1, "two", 3, null],
  }).derive({ twice: (d: { n: number }) => d.n * 2 });
  const f = fromArquero(t);
  assertEquals(f.types, ["numeric", "categorical", "categorical", "numeric", "categorical", "numeric"]);
  assertEquals(f.value(2, "n"), null);
  const domain = (name: string) => {
    const c = f.col(name);
    return c.type === "categorical" ? c.domain : c.type;
  };
  assertEquals(domain("s"), ["a", "b"]);
  assertEquals(domain("flag"), ["false", "true"]);
  assertEquals(f.value(1, "when"), 1000);
  assertEquals(f.value(1, "mixed"), "two");
  assertEquals(f.value(3, "twice"), 8);
  const g = fromArquero(t, { columnTypes: { n: "categorical", s: "string" } });
  assertEquals(g.types.slice(0, 2), ["categorical", "string"]);
});

test("fromArquero() rejects objects in cells and unknown columnTypes names", async () => {
  await assertThrows(() => fromArquero(aq.table({ o: [{ a: 1 }] })), TypeError, 'column "o" row 0 holds an object');
  await assertThrows(() => fromArquero(aq.table({ a: [1] }), { columnTypes: { b: "numeric" } }), RangeError, 'names column "b"');
  await assertThrows(() => fromArquero({} as never), TypeError, "expected an arquero table");
});
