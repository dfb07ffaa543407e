/**
 * `tide repl`: an interactive session (node:repl, which Bun and Deno provide) with the `mod.ts`
 * API in scope. Top-level `await` works, and so do `const`/`let` across lines; frames print as
 * tables and models as H2O's summaries; Tab completes the API, properties and the parameter
 * names inside `new DeepLearning({ `; `.help` lists the API; history is kept in
 * `~/.tide_history`. `train()` shows its progress line, and Ctrl-C stops a training without
 * leaving the session.
 * @module
 */
import { appendFileSync, existsSync, readFileSync } from "node:fs";
import { homedir } from "node:os";
import { join } from "node:path";
import process from "node:process";
import type { REPLServer } from "node:repl";
import { inspect } from "node:util";
import type { ParamSpecs } from "../core/params.ts";
import { VERSION } from "../version.ts";
import type { Command } from "./_command.ts";
import { commandHelp } from "./_command.ts";
import { parseFlags, UsageError, wantsHelp } from "./_flags.ts";
import type { Io } from "./_io.ts";
import { genericPathNoteFor, loadModelChecked, PLUGIN_FLAG } from "./_plugins.ts";
import { progressReporter } from "./_progress.ts";

const REPL_FLAGS: ParamSpecs = {
  history: { type: "string", default: null, help: "History file (default ~/.tide_history; \"none\" keeps no history)" },
  ...PLUGIN_FLAG,
};

/** One line per name `.help` shows: the `mod.ts` API, then what the session adds. */
export const API_HELP: readonly (readonly [string, string])[] = [
  ["importFile(path)", "Reads a CSV or .csv.gz file into a Frame (H2O's import_file)"],
  ["parseCsv(bytes) / parseCsvText(text)", "Parses CSV bytes or text into a Frame"],
  ["Frame", "Typed columns: asfactor, asnumeric, splitFrame, describe, head, select, drop, col"],
  ["formatDescribe(frame) / formatHead(frame)", "describe() and head() as text tables"],
  ["toArquero(frame) / fromArquero(table)", "Bridges to arquero for exploring and transforming"],
  ["mnistCsv() / mnistFrames()", "The real MNIST as the booklet's CSV files or as frames"],
  ["new DeepLearning({ … })", "The estimator; .train({ y, training_frame, validation_frame }) trains a model (Ctrl-C stops it)"],
  ["DeepLearningModel", "A model: predict(frame), modelPerformance({ valid }), performance(frame), save(path); DeepLearningModel.load(path); anomaly(frame, { perFeature }) (autoencoders), deepfeatures(frame, layer)"],
  ["ModelPerformance", "Metrics with H2O's accessors: mse(), logloss(), auc(), confusionMatrix(), …"],
  ["activations, distributions, optimizers, regularizers, transports", "Plugin registries: .names(), .get(name), .add(plugin)"],
  ["createPlugins()", "Fresh registries holding only the built-ins"],
  ["backends / selectBackend(name)", "Compute backends (simd, webgpu, reference); training's default \"auto\" picks per network"],
  ["formatInventory(await backendInventory())", "What this machine has: each backend available or why not, GPU adapter and limits, samples/s (tide backends)"],
  ["defineActivation / defineDistribution / defineOptimizer / defineRegularizer / defineTransport", "Declare a plugin (docs/plugins.md)"],
  ["loadPlugins([path, …])", "Loads plugin files into the registries, as --plugin does"],
  ["crossValidate(input) / cvSummary / formatCvSummary", "Cross-validation above the trainer (or nfolds on DeepLearning) and H2O's metrics summary table"],
  ["cvHoldoutPredictions(model) / cvFoldAssignment(model)", "A cross-validated model's kept holdout predictions and fold assignment"],
  ["gridSearch(input) / checkGrid / cartesian / randomDiscrete", "Grid search over gridable parameters (Cartesian or RandomDiscrete, H2O's budgets)"],
  ["parseHyperParams / parseSearchCriteria / SEARCH_CRITERIA", "Read a grid's hyper_params and search_criteria as tide grid does"],
  ["sortModels / formatLeaderboard / rankingMetrics", "A grid's leaderboard: sort models by a metric (xval, then valid, then train) and print it"],
  ["AUC_TYPES", "H2O's multinomial AUC types (auc_type)"],
  ["formatDryRun(await dl.dryRun(args))", "What training would take: network, memory per thread, time at the measured speed"],
  ["deepLearningParams", "Every parameter with its H2O default and help"],
  ["VERSION", "This build's version"],
];

/** `tide repl`. */
export const repl: Command = {
  name: "repl",
  summary: "An interactive session with the API in scope (top-level await, Tab completion)",
  usage: "tide repl [--plugin FILE …] [--history FILE]",
  description: [
    "Starts a JavaScript session with Tide's API already imported. Top-level await works; frames print as",
    "tables and models as H2O's summaries; Tab completes names, properties and the parameters inside",
    "new DeepLearning({ . Ctrl-C stops a training and keeps the session; .help lists the API; .exit leaves.",
    "",
    "Example:",
    "  tide repl",
    '  > const iris = (await importFile("iris.csv")).asfactor("species")',
    '  > const model = await new DeepLearning({ hidden: [16], epochs: 50 }).train({ y: "species", training_frame: iris })',
    "  > await model.predict(iris)",
  ].join("\n"),
  flags: () => REPL_FLAGS,
  async run(argv: readonly string[], io: Io): Promise<number> {
    if (wantsHelp(argv)) {
      io.out(commandHelp(repl));
      return 0;
    }
    const parsed = parseFlags(argv, REPL_FLAGS);
    if (parsed.errors.length) throw new UsageError(parsed.errors, "repl");
    const history = parsed.values.history === "none" ? null : ((parsed.values.history as string | undefined) ?? join(homedir(), ".tide_history"));
    return await startRepl({ io, history });
  },
};

/** Options of {@linkcode startRepl}. */
export interface ReplOptions {
  readonly io: Io;
  /** History file, or null for none. */
  readonly history: string | null;
  readonly input?: NodeJS.ReadableStream;
  readonly output?: NodeJS.WritableStream;
}

/** Runs a session until `.exit` or the end of input; resolves to the exit status. */
export async function startRepl(options: ReplOptions): Promise<number> {
  const { io } = options;
  const [{ default: nodeRepl }, vm, api, { loadPlugins }, { Frame }, { formatHead, formatNumber }, { DeepLearningModel }, { ModelPerformance }] = await Promise.all([
    import("node:repl"), import("node:vm"), import("../mod.ts"), import("../plugins/load.ts"), import("../frame/frame.ts"),
    import("../frame/format.ts"), import("../model/model.ts"), import("../model/performance.ts"),
  ]);
  const input = options.input ?? process.stdin;
  const output = options.output ?? process.stdout;
  const terminal = (output as { isTTY?: boolean }).isTTY === true && (input as { isTTY?: boolean }).isTTY === true;
  let training: AbortController | null = null;

  // The estimator users get: progress on stderr, Ctrl-C aborts it, the generic-path note.
  class DeepLearning extends api.DeepLearning {
    override async train(args: Parameters<InstanceType<typeof api.DeepLearning>["train"]>[0]) {
      if (args.signal || args.onEvent) return await super.train(args);
      const note = genericPathNoteFor(this.params);
      if (note) io.err(`${note}\n`);
      const controller = new AbortController();
      const progress = progressReporter(io);
      training = controller;
      try {
        return await super.train({ ...args, signal: controller.signal, onEvent: (e) => e.type === "model" ? undefined : progress.onEvent(e) });
      } finally {
        progress.finish();
        training = null;
      }
    }
  }
  // Models load with their plugin records checked, as tide predict does.
  class CheckedModel extends DeepLearningModel {
    static override async load(path: string, ...rest: Parameters<typeof DeepLearningModel.load> extends [string, ...infer R] ? R : never) {
      return rest.length ? await DeepLearningModel.load(path, ...rest) : await loadModelChecked(path);
    }
  }
  Object.defineProperty(CheckedModel, "name", { value: "DeepLearningModel" });
  Object.assign(globalThis, api, { DeepLearning, DeepLearningModel: CheckedModel, loadPlugins });

  const show = (v: unknown): string => {
    if (v instanceof Frame) return `${formatHead(v, 10)}\n[${v.nrow} rows × ${v.ncol} columns]`;
    if (v instanceof DeepLearningModel || v instanceof ModelPerformance) return String(v);
    if (Array.isArray(v) && v.length > 0 && v.every(isSummary)) return summaryTable(v, formatNumber);
    if (v && typeof v === "object" && Object.hasOwn(v, "toString") && typeof (v as { toString: unknown }).toString === "function") return String(v);
    return inspect(v, { colors: terminal, depth: 3 });
  };

  const historyFile = options.history;
  // One input at a time: piped lines arrive while an awaited one still runs, and must wait for it.
  let queue: Promise<void> = Promise.resolve();
  const evaluate = (code: string, ctx: unknown, file: string, cb: (err: Error | null, result?: unknown) => void) => {
    queue = queue.then(() => new Promise<void>((done) => evaluateNow(code, ctx, file, (err, result) => {
      cb(err, result);
      done();
    })));
  };
  const evaluateNow = (code: string, _ctx: unknown, _file: string, cb: (err: Error | null, result?: unknown) => void) => {
    const src = code.trim();
    if (!src) return cb(null, undefined);
    let prepared: { code: string; async: boolean; names: string[] };
    try {
      prepared = prepareInput(src);
    } catch (e) {
      return cb(e as Error);
    }
    const run = (): Promise<unknown> | unknown => {
      const value = vm.runInThisContext(prepared.code, { filename: "repl" });
      if (!prepared.async) return value;
      return (value as Promise<{ value: unknown; vars: Record<string, unknown> }>).then(({ value, vars }) => {
        Object.assign(globalThis, vars);
        return value;
      });
    };
    let result: unknown;
    try {
      result = run();
    } catch (e) {
      if (isRecoverable(e)) return cb(new nodeRepl.Recoverable(e as Error));
      saveHistory(src);
      return cb(e as Error);
    }
    saveHistory(src);
    if (prepared.async) (result as Promise<unknown>).then((v) => cb(null, v), (e) => cb(e as Error));
    else cb(null, result);
  };
  const saveHistory = (line: string) => {
    if (!historyFile) return;
    try {
      appendFileSync(historyFile, `${line.replace(/\s*\n\s*/g, " ")}\n`);
    } catch {
      // History is a convenience: a read-only home must not break the session.
    }
  };

  if (terminal) io.err(`Tide ${VERSION} REPL: the API is in scope (.help lists it). Top-level await works; Ctrl-C stops a training; .exit leaves.\n`);
  const r: REPLServer = nodeRepl.start({
    prompt: "tide> ", input, output, terminal, eval: evaluate, writer: show, ignoreUndefined: true,
    completer: (line: string) => complete(line, api.DeepLearning.parameters),
  } as Parameters<typeof nodeRepl.start>[0] & object);
  if (historyFile && terminal && existsSync(historyFile)) {
    const lines = readFileSync(historyFile, "utf8").split("\n").filter(Boolean).reverse().slice(0, 1000);
    (r as unknown as { history: string[] }).history?.push(...lines);
  }
  r.defineCommand("help", {
    help: "List Tide's API and the session's commands",
    action(this: REPLServer) {
      const w = 44;
      const lines = API_HELP.map(([n, h]) => (n.length > w ? `  ${n}\n  ${"".padEnd(w)}  ${h}` : `  ${n.padEnd(w)}  ${h}`));
      const cmds = Object.entries(this.commands).map(([k, c]) => `  .${k.padEnd(w - 1)}  ${(c as { help?: string }).help ?? ""}`);
      this.output.write(`Tide's API (in scope):\n${lines.join("\n")}\n\nCommands:\n${cmds.join("\n")}\n\nTab completes names, properties and the parameters inside new DeepLearning({ .\n`);
      this.displayPrompt();
    },
  });

  // Ctrl-C while a training runs stops that training; otherwise the REPL's own handling applies.
  const own = r.listeners("SIGINT") as ((...a: unknown[]) => void)[];
  r.removeAllListeners("SIGINT");
  r.on("SIGINT", (...a: unknown[]) => {
    if (training) return interrupt();
    for (const f of own) f.apply(r, a);
  });
  const interrupt = () => {
    training?.abort();
    io.err("\nCtrl-C: stopping the training (the session stays open)\n");
  };
  const onSignal = () => (training ? interrupt() : r.close());
  process.on("SIGINT", onSignal);

  return await new Promise<number>((resolve) => {
    r.on("exit", () => {
      // The end of piped input arrives before the inputs queued ahead of it have run.
      void queue.then(() => {
        process.off("SIGINT", onSignal);
        resolve(0);
      });
    });
  });
}

function isSummary(v: unknown): boolean {
  return !!v && typeof v === "object" && ["name", "type", "min", "max", "mean", "sigma", "zeros", "missing", "cardinality"].every((k) => k in v);
}

function summaryTable(rows: readonly Record<string, unknown>[], fmt: (v: number) => string): string {
  const keys = ["name", "type", "min", "mean", "max", "sigma", "zeros", "missing", "cardinality"];
  const cell = (v: unknown) => (typeof v === "number" ? (Number.isNaN(v) ? "-" : fmt(v)) : String(v));
  const cells = [keys, ...rows.map((r) => keys.map((k) => cell(r[k])))];
  const widths = keys.map((_, j) => Math.max(...cells.map((r) => r[j].length)));
  return cells.map((r) => r.map((c, j) => (j < 2 ? c.padEnd(widths[j]) : c.padStart(widths[j]))).join("  ")).join("\n");
}

/** True for a syntax error that more input can fix (an open bracket, string or template). */
function isRecoverable(e: unknown): boolean {
  if (!(e instanceof SyntaxError)) return false;
  return /Unexpected end of (input|script)|Unterminated (template|string)|missing \) after|Unexpected EOF|end of input/i.test(e.message);
}

const KEYWORDS = /^(if|for|while|do|switch|try|function|class|return|throw|import|export|break|continue|debugger|label)\b/;

/**
 * Prepares one input for evaluation in the global scope. Top-level `const`/`let` become `var`
 * (so the same name can be declared again on a later line, as in a notebook). Input with
 * `await` runs in an async function: its declared names are copied to the global scope when it
 * settles, and the value of its last expression statement is the result.
 */
export function prepareInput(src: string): { code: string; async: boolean; names: string[] } {
  const statements = splitStatements(src);
  const names: string[] = [];
  const out = statements.map((s) => {
    const m = /^(const|let|var)(\s+)/.exec(s);
    if (!m) return s;
    names.push(...declaredNames(s.slice(m[0].length)));
    return `var${m[2]}${s.slice(m[0].length)}`;
  });
  if (!/\bawait\b/.test(src)) return { code: out.join(";\n"), async: false, names };
  const last = out[out.length - 1];
  const isExpr = !/^var\s/.test(last) && !KEYWORDS.test(last) && !last.startsWith("{");
  const body = isExpr ? [...out.slice(0, -1), `return { value: (${last}\n), vars: { ${names.join(", ")} } }`]
    : [...out, `return { value: undefined, vars: { ${names.join(", ")} } }`];
  return { code: `(async () => {\n${body.join(";\n")}\n})()`, async: true, names };
}

/** Binding names of a declaration's text after the keyword: `a = 1, b`, `{ x, y: z } = o`, `[p, q] = a`. */
function declaredNames(decl: string): string[] {
  const names: string[] = [];
  for (const part of splitTopLevel(decl, ",")) {
    const target = splitTopLevel(part, "=")[0].trim();
    if (/^[A-Za-z_$][\w$]*$/.test(target)) names.push(target);
    else if (/^[{[]/.test(target)) {
      // In a pattern, a binding is a name not followed by ":" (that is a property key).
      const inner = target.slice(1, -1).replace(/=[^,}\]]*/g, "");
      for (const m of inner.matchAll(/(\.\.\.)?([A-Za-z_$][\w$]*)\s*(:)?/g)) if (!m[3]) names.push(m[2]);
    }
  }
  return names;
}

/** Splits at top-level `sep` characters (outside brackets, strings and templates). */
function splitTopLevel(s: string, sep: string): string[] {
  const out: string[] = [];
  let depth = 0, start = 0, quote = "";
  for (let i = 0; i < s.length; i++) {
    const c = s[i];
    if (quote) {
      if (c === "\\") i++;
      else if (c === quote) quote = "";
      continue;
    }
    if (c === '"' || c === "'" || c === "`") quote = c;
    else if ("([{".includes(c)) depth++;
    else if (")]}".includes(c)) depth--;
    else if (c === sep && depth === 0 && !(sep === "=" && (s[i + 1] === "=" || s[i + 1] === ">" || "!<>=".includes(s[i - 1])))) {
      out.push(s.slice(start, i));
      start = i + 1;
    }
  }
  out.push(s.slice(start));
  return out;
}

/**
 * Top-level statements of the input: split at `;`, and at line breaks where the next line
 * cannot continue the previous one. Strings, templates, comments and brackets are respected.
 */
function splitStatements(src: string): string[] {
  const out: string[] = [];
  let depth = 0, start = 0;
  const quotes: string[] = [];
  const push = (end: number) => {
    const s = src.slice(start, end).trim();
    if (s) out.push(s);
  };
  for (let i = 0; i < src.length; i++) {
    const c = src[i];
    const q = quotes[quotes.length - 1];
    if (q) {
      if (c === "\\") i++;
      else if (c === q) quotes.pop();
      else if (q === "`" && c === "$" && src[i + 1] === "{") {
        quotes.push("}");
        i++;
      }
      continue;
    }
    if (c === "/" && src[i + 1] === "/") {
      const nl = src.indexOf("\n", i);
      i = nl < 0 ? src.length : nl - 1;
      continue;
    }
    if (c === "/" && src[i + 1] === "*") {
      const end = src.indexOf("*/", i + 2);
      i = end < 0 ? src.length : end + 1;
      continue;
    }
    if (c === '"' || c === "'" || c === "`") quotes.push(c);
    else if ("([{".includes(c)) depth++;
    else if (")]}".includes(c)) depth--;
    else if (depth === 0 && c === ";") {
      push(i);
      start = i + 1;
    } else if (depth === 0 && c === "\n") {
      const before = src.slice(start, i).trimEnd();
      const after = src.slice(i + 1).trimStart();
      if (before && !/[=+\-*/%&|^,(\[{?:<>!.]$/.test(before) && /^[A-Za-z_$'"`[{!~]/.test(after) && !/^(in|of|instanceof)\b/.test(after)) {
        push(i);
        start = i + 1;
      }
    }
  }
  push(src.length);
  return out;
}

/**
 * Tab completion: parameter names inside `new DeepLearning({ `, properties after `expr.`, and
 * global names otherwise.
 */
export function complete(line: string, parameters: () => Readonly<Record<string, unknown>>): [string[], string] {
  const param = /new\s+DeepLearning\s*\(\s*\{(?:[^{}]*,)?\s*([A-Za-z_]\w*)?$/.exec(line);
  if (param) {
    const word = param[1] ?? "";
    return [Object.keys(parameters()).filter((n) => n.startsWith(word)).sort(), word];
  }
  const prop = /([A-Za-z_$][\w$]*(?:\.[A-Za-z_$][\w$]*)*)\.([\w$]*)$/.exec(line);
  if (prop) {
    let target: unknown;
    try {
      target = prop[1].split(".").reduce<unknown>((o, k) => (o as Record<string, unknown>)[k], globalThis);
    } catch {
      return [[], prop[2]];
    }
    const keys = new Set<string>();
    for (let o = target; o !== null && o !== undefined && o !== Object.prototype; o = Object.getPrototypeOf(o)) {
      for (const k of Object.getOwnPropertyNames(o)) if (k !== "constructor" && !k.startsWith("#") && /^[A-Za-z_$][\w$]*$/.test(k)) keys.add(k);
      if (typeof o !== "object" && typeof o !== "function") break;
    }
    return [[...keys].filter((k) => k.startsWith(prop[2])).sort(), prop[2]];
  }
  const word = /([A-Za-z_$][\w$]*)$/.exec(line)?.[1] ?? "";
  const names = new Set([...Object.getOwnPropertyNames(globalThis), "await", "const", "let", "new", "function", "return"]);
  return [[...names].filter((k) => k.startsWith(word) && /^[A-Za-z_$]/.test(k)).sort(), word];
}
