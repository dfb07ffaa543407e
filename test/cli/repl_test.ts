// The REPL's pieces that need no terminal: input preparation (top-level await, re-declaration),
// Tab completion, and .help covering the whole public API.
import * as api from "../../mod.ts";
import { API_HELP, complete, prepareInput } from "../../cli/repl.ts";
import { DeepLearning } from "../../mod.ts";
import { assert, assertEquals, test } from "../_harness.ts";

test("prepareInput: const and let become var; await runs in an async function that returns its names", () => {
  assertEquals(prepareInput("const a = 1; let b = 2").code, "var a = 1;\nvar b = 2");
  const p = prepareInput('const { x, y: z } = await f(); const [u, ...v] = g()\nz + 1');
  assert(p.async);
  assertEquals(p.names, ["x", "z", "u", "v"]);
  assert(p.code.includes("return { value: (z + 1\n), vars: { x, z, u, v } }"), p.code);
  // A chain continued on the next line is one statement.
  assertEquals(prepareInput("const m = await a\n  .b()").names, ["m"]);
  assert(prepareInput("const m = await a\n  .b()").code.includes("var m = await a\n  .b()"));
});

test("prepareInput: top-level await binds names in the global scope", async () => {
  const p = prepareInput("const answer = await Promise.resolve(41)\nanswer + 1");
  const out = await (0, eval)(p.code);
  assertEquals(out.value, 42);
  assertEquals(out.vars, { answer: 41 });
});

test("Tab completes parameter names inside new DeepLearning({", () => {
  const [hits, word] = complete("new DeepLearning({ hidden: [8, 8], epo", DeepLearning.parameters);
  assertEquals(word, "epo");
  assertEquals(hits, ["epochs"]);
  assert(complete("new DeepLearning({ ", DeepLearning.parameters)[0].includes("input_dropout_ratio"));
  (globalThis as Record<string, unknown>).__tideTest = { alpha: 1, beta: 2 };
  assertEquals(complete("__tideTest.al", DeepLearning.parameters), [["alpha"], "al"]);
  delete (globalThis as Record<string, unknown>).__tideTest;
});

test(".help names every export of mod.ts", () => {
  const text = API_HELP.map(([n]) => n).join(" ");
  for (const name of Object.keys(api)) assert(new RegExp(`\\b${name}\\b`).test(text), `.help does not mention ${name}`);
});
