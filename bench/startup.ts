/**
 * Start-up time of the compiled binary: `tide --version` (and `tide repl` to its prompt and out
 * again) next to the floor, a compiled hello-world Bun executable, run interleaved in the same
 * rounds so the machine's load hits them alike. Prints wall-clock and CPU time (user + system,
 * from the child's resource usage: far steadier than wall time on a shared machine), min and
 * median over `--runs`.
 *
 *   npm run build && bun bench/startup.ts [--binary dist/tide] [--runs 30] [--variants]
 *
 * `--variants` also builds and times what the start-up figure depends on: hello-world writing
 * with `process.stdout.write` instead of `console.log` (Bun builds the Node stream on first use),
 * and tide built without code splitting (the whole CLI's bytecode loads before `--version`
 * answers). Bun only.
 * @module
 */
import { mkdtemp, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join, resolve } from "node:path";
import process from "node:process";
import { build } from "../scripts/build.ts";

const arg = (name: string) => {
  const i = process.argv.indexOf(`--${name}`);
  return i > 0 ? process.argv[i + 1] : undefined;
};
const runs = Number(arg("runs") ?? 30);
const tide = resolve(arg("binary") ?? "dist/tide");
const variants = process.argv.includes("--variants");
const BUN = process.execPath;

const dir = await mkdtemp(join(tmpdir(), "tide-startup-"));
/** Compiles a one-file program the way scripts/build.ts compiles tide (bytecode, minified, ESM). */
async function compile(name: string, source: string): Promise<string> {
  const src = join(dir, `${name}.ts`), out = join(dir, name);
  await writeFile(src, source);
  const r = Bun.spawnSync([BUN, "build", "--compile", "--bytecode", "--minify", "--format", "esm", src, "--outfile", out], { stdout: "ignore", stderr: "pipe" });
  if (r.exitCode !== 0) throw new Error(`cannot compile ${name}: ${r.stderr}`);
  return out;
}

interface Case {
  readonly label: string;
  readonly cmd: string[];
  readonly stdin?: string;
}
const cases: Case[] = [
  { label: "hello-world (floor)", cmd: [await compile("hello", 'console.log("hello");\n')] },
  { label: "tide --version", cmd: [tide, "--version"] },
  { label: "tide repl, .exit piped", cmd: [tide, "repl"], stdin: ".exit\n" },
];
if (variants) {
  cases.splice(1, 0, { label: "hello-world, process.stdout.write", cmd: [await compile("hello_stdout", 'process.stdout.write("hello\\n");\n')] });
  const flat = join(dir, "tide-no-splitting");
  await build({ outfile: flat, mnist: false, splitting: false, log: () => {} });
  cases.push({ label: "tide --version, built --no-splitting", cmd: [flat, "--version"] });
  cases.push({ label: "tide repl, built --no-splitting", cmd: [flat, "repl"], stdin: ".exit\n" });
}

const wall = cases.map(() => [] as number[]), cpu = cases.map(() => [] as number[]);
for (const c of cases) {
  const r = Bun.spawnSync(c.cmd, { stdin: c.stdin ? new TextEncoder().encode(c.stdin) : "ignore" });
  if (r.exitCode !== 0) throw new Error(`${c.label} failed (${r.exitCode}): ${r.stderr}`);
}
for (let i = 0; i < runs; i++) {
  cases.forEach((c, k) => {
    const t = performance.now();
    const r = Bun.spawnSync(c.cmd, { stdin: c.stdin ? new TextEncoder().encode(c.stdin) : "ignore", stdout: "ignore", stderr: "ignore" });
    wall[k].push(performance.now() - t);
    cpu[k].push(Number(r.resourceUsage?.cpuTime.total ?? NaN) / 1000);
  });
}
await rm(dir, { recursive: true, force: true });

const median = (a: number[]) => [...a].sort((x, y) => x - y)[a.length >> 1];
const ms = (x: number) => x.toFixed(1).padStart(7);
console.log(`${runs} interleaved runs each (bun ${Bun.version}, ${navigator.hardwareConcurrency} cores); ms`);
console.log(`${"".padEnd(38)}   wall min  median    cpu min  median`);
cases.forEach((c, k) => {
  console.log(`${c.label.padEnd(38)}  ${ms(Math.min(...wall[k]))} ${ms(median(wall[k]))}    ${ms(Math.min(...cpu[k]))} ${ms(median(cpu[k]))}`);
});
