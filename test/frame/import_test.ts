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
