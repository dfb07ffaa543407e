import { assert, assertEquals, assertThrows, test } from "../_harness.ts";
import { mkdtemp, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { gzipSync } from "node:zlib";
import { gunzip, importFile, isGzip } from "../../frame/import.ts";

async function withTempDir(fn: (dir: string) => Promise<void>): Promise<void> {
  const dir = await mkdtemp(join(tmpdir(), "tide-import-"));
  try {
    await fn(dir);
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
}

const text = "x,y,label\n1,0.5,a\n2,NA,b\n3,1.5,a\n";

test("importFile() reads a plain CSV file", async () => {
  await withTempDir(async (dir) => {
    await writeFile(join(dir, "plain.csv"), text);
    const f = await importFile(join(dir, "plain.csv"));
    assertEquals(f.names, ["x", "y", "label"]);
    assertEquals(f.types, ["numeric", "numeric", "categorical"]);
    assertEquals(f.value(1, "y"), null);
  });
});

test("importFile() gunzips by magic number, whatever the file name", async () => {
  await withTempDir(async (dir) => {
    const gz = gzipSync(new TextEncoder().encode(text));
    await writeFile(join(dir, "data.csv.gz"), gz);
    await writeFile(join(dir, "misnamed.csv"), gz);
    for (const name of ["data.csv.gz", "misnamed.csv"]) {
      const f = await importFile(join(dir, name));
      assertEquals([f.nrow, f.ncol], [3, 3], name);
      assertEquals(f.value(2, "label"), "a");
    }
  });
});

test("importFile() passes options through and names the path in parse errors", async () => {
  await withTempDir(async (dir) => {
    const path = join(dir, "semi.csv");
    await writeFile(path, "a;b\n1;2\n3\n");
    await assertThrows(() => importFile(path), SyntaxError, `Cannot parse CSV ${JSON.stringify(path)}: line 3 has 1 field, expected 2`);
    const f = await importFile(path, { sep: ",", header: false });
    assertEquals(f.names, ["C1"]);
  });
});

test("importFile() says the file is missing and shows the path", async () => {
  const e = await assertThrows(() => importFile("no/such/file.csv"), RangeError, 'no file at "no/such/file.csv"');
  assert(e.message.includes("relative paths start from"), e.message);
  await assertThrows(() => importFile(""), TypeError, '"path" must be a non-empty string');
});

test("importFile() rejects a directory and a corrupt gzip file by name", async () => {
  await withTempDir(async (dir) => {
    await assertThrows(() => importFile(dir), TypeError, "is a directory");
    const gz = gzipSync(new TextEncoder().encode(text.repeat(50)));
    const path = join(dir, "cut.csv.gz");
    await writeFile(path, gz.subarray(0, gz.length >> 1));
    await assertThrows(() => importFile(path), SyntaxError, `Cannot gunzip ${JSON.stringify(path)}`);
  });
});

test("gunzip() round-trips concatenated gzip members and empty input", () => {
  const a = gzipSync(new TextEncoder().encode("a,b\n"));
  const b = gzipSync(new TextEncoder().encode("1,2\n"));
  const both = new Uint8Array([...a, ...b]);
  assert(isGzip(both));
  assertEquals(new TextDecoder().decode(gunzip(both)), "a,b\n1,2\n");
  assertEquals(gunzip(gzipSync(new Uint8Array(0))).length, 0);
  assert(!isGzip(new TextEncoder().encode("x,y")));
});

test("importFile() reads plain and gzipped files in small blocks as it reads them whole", async () => {
  await withTempDir(async (dir) => {
    // 3000 rows before a late retyping (x meets text), a multi-line quoted field and CRLF.
    const rows = Array.from({ length: 3000 }, (_, i) => `${i % 9 ? i : "07"},"n${i % 4}\r\nz",${(i / 8).toFixed(3)}\r\n`);
    const body = "x,note,y\r\n" + rows.join("") + 'late,"a ""b""",1e3\r\n' + "5,c,NA";
    await writeFile(join(dir, "plain.csv"), body);
    await writeFile(join(dir, "packed.csv.gz"), gzipSync(new TextEncoder().encode(body)));
    const expect = await importFile(join(dir, "plain.csv"));
    assertEquals([expect.nrow, expect.types], [3002, ["categorical", "categorical", "numeric"]]);
    assertEquals([expect.value(0, "x"), expect.value(1, "x"), expect.value(3000, "x"), expect.value(3000, "note")], ["07", "1", "late", 'a "b"']);
    assertEquals([expect.value(2, "note"), expect.value(3001, "y")], ["n2\r\nz", null]);
    const shown = (f: typeof expect) => JSON.stringify([f.names, f.types, f.columns.map((c) => Array.from({ length: f.nrow }, (_, r) => f.value(r, c.name)))]);
    for (const name of ["plain.csv", "packed.csv.gz"]) {
      for (const blockSize of [13, 100, 4096]) {
        assertEquals(shown(await importFile(join(dir, name), { blockSize })), shown(expect), `${name}, blockSize ${blockSize}`);
      }
    }
    await writeFile(join(dir, "bad.csv"), body + '\n6,"open,1\n');
    await assertThrows(() => importFile(join(dir, "bad.csv"), { blockSize: 64 }), SyntaxError, "line 6004, column 2 (\"note\"): the quote at byte offset");
  });
});
