/**
 * `tide describe FILE`: import a CSV file and print H2O's frame summary (type, min, mean, max,
 * sigma, zeros, missing, cardinality per column), its size and the import time.
 * @module
 */
import type { ParamSpecs } from "../core/params.ts";
import { formatDescribe, formatHead } from "../frame/format.ts";
import { importFile } from "../frame/import.ts";
import type { Command } from "./_command.ts";
import { commandHelp } from "./_command.ts";
import { parseFlags, UsageError, wantsHelp } from "./_flags.ts";
import type { Io } from "./_io.ts";
import { count, seconds } from "./_io.ts";
import { HEADER_FLAG, headerOption } from "./_training.ts";

const DESCRIBE_FLAGS: ParamSpecs = {
  head: { type: "int", default: 0, min: 0, help: "Also print the first N rows" },
  layout: { type: "enum", default: "auto", values: ["auto", "wide", "long"], help: "wide: one column per frame column (H2O's layout); long: one line per column; auto: wide when it fits" },
  all: { type: "bool", default: false, help: "In the long layout, list every column instead of the first and last ones" },
  header: HEADER_FLAG,
};

/** `tide describe`. */
export const describe: Command = {
  name: "describe",
  summary: "Summarize a CSV file: column types, min, mean, max, sigma, zeros, missing, cardinality",
  usage: "tide describe FILE [--head N] [--layout auto|wide|long] [--all] [--header auto|true|false]",
  description: [
    "Imports a CSV or .csv.gz file as tide train would and prints its summary, as H2O's describe().",
    "",
    "Example:",
    "  tide describe train.csv.gz --head 5",
  ].join("\n"),
  flags: () => DESCRIBE_FLAGS,
  async run(argv: readonly string[], io: Io): Promise<number> {
    if (wantsHelp(argv, DESCRIBE_FLAGS)) {
      io.out(commandHelp(describe));
      return 0;
    }
    const { values, positionals, errors } = parseFlags(argv, DESCRIBE_FLAGS, { maxPositionals: 1 });
    if (positionals.length === 0) errors.unshift("FILE is required: the CSV or .csv.gz file to describe (tide describe FILE)");
    if (errors.length) throw new UsageError(errors, "describe");
    const path = positionals[0];
    const t0 = performance.now();
    const frame = await importFile(path, { header: headerOption(values.header) });
    const ms = performance.now() - t0;
    io.out(`${path}: ${count(frame.nrow)} rows × ${count(frame.ncol)} columns, imported in ${seconds(ms / 1000)}\n\n`);
    const layout = (values.layout ?? "auto") as "auto" | "wide" | "long";
    const text = formatDescribe(frame, { layout, maxLines: values.all ? Infinity : 40 });
    // The library's hint names its API option; here the flag is what users type.
    io.out(`${text.replace("pass { maxLines: Infinity } to list all", "use --all to list all")}\n`);
    const head = (values.head as number | undefined) ?? 0;
    if (head > 0) io.out(`\n${formatHead(frame, head)}\n`);
    return 0;
  },
};
