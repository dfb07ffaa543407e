// docs/plugins.md's walk-through, run as written with the built binary: its files are written,
// its REPL session fed through a pipe, its `tide` commands run, in a folder holding only the binary.
import { readFileSync } from "node:fs";
import { writeFile } from "node:fs/promises";
import { join } from "node:path";
import { assert, assertEquals, test } from "../_harness.ts";
import { ROOT } from "../e2e/_exec.ts";
import { builtTide, runTide, startTide } from "../e2e/_built.ts";

const page = readFileSync(join(ROOT, "docs", "plugins.md"), "utf8");
const walk = page.slice(page.indexOf("## From an empty file"), page.indexOf("## Worked examples"));

test("docs/plugins.md: the walk-through runs as written with the built binary", async () => {
  const { dir } = await builtTide();
  const steps = [...walk.matchAll(/(?:<!-- (file: (\S+)|repl) -->\n)?```(\w+)\n([\s\S]*?)```/g)];
  assert(steps.length >= 4, `found ${steps.length} steps`);
  let ran = 0;
  for (const [, marker, file, lang, body] of steps) {
    if (file) {
      await writeFile(join(dir, file), body);
    } else if (marker === "repl") {
      const [command, ...lines] = body.trimEnd().split("\n");
      const s = await startTide(command.split(/\s+/).slice(1));
      s.write(lines.join("\n") + "\n");
      const r = await s.end();
      assertEquals(r.code, 0, r.stderr);
      assert(/-0\.03/.test(r.stdout), `the REPL step shows the plugin at work:\n${r.stdout}\n${r.stderr}`);
      ran++;
    } else if (lang === "sh") {
      for (const line of body.trim().split("\n")) {
        assert(line.startsWith("tide "), line);
        const r = await runTide(line.split(/\s+/).slice(1));
        assertEquals(r.code, 0, `${line}\n${r.stderr}`);
        ran++;
      }
    }
  }
  assertEquals(ran, 3);
  const pred = readFileSync(join(dir, "pred.csv"), "utf8").trim().split("\n");
  assertEquals(pred.length, 151);
  const right = pred.slice(1).filter((l, i) => l.split(",")[0] === readFileSync(join(dir, "iris.csv"), "utf8").trim().split("\n")[i + 1].split(",")[4]).length;
  assert(right >= 135, `the walk-through's model gets ${right}/150 right`);
}, { timeout: 180_000 });
