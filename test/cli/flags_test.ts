import { assert, assertEquals, test } from "../_harness.ts";
import { formatValue } from "../../core/params.ts";
import { deepLearningParams } from "../../core/train/parameters.ts";
import { formatFlags, parseFlags, requireFlag, wantsHelp } from "../../cli/_flags.ts";
import { trainFlags } from "../../cli/train.ts";

const specs = trainFlags();

test("parseFlags() reads --name value, --name=value, dashed and camel spellings", () => {
  const { values, errors } = parseFlags(
    ["--epochs", "2.5", "--l1=1e-5", "--input-dropout-ratio", "0.2", "--maxW2", "10", "--model-out", "m.tide"],
    specs,
  );
  assertEquals(errors, []);
  assertEquals(values, { epochs: 2.5, l1: 1e-5, input_dropout_ratio: 0.2, max_w2: 10, model_out: "m.tide" });
});

test("parseFlags() takes booleans bare, with a following word, or after =", () => {
  const bare = parseFlags(["--sparse", "--epochs", "1"], specs);
  assertEquals(bare.values, { sparse: true, epochs: 1 });
  const word = parseFlags(["--sparse", "false", "--standardize", "no", "--quiet", "TRUE"], specs);
  assertEquals(word.values, { sparse: false, standardize: false, quiet: true });
  const eq = parseFlags(["--reproducible=0", "--sparse"], specs);
  assertEquals(eq.values, { reproducible: false, sparse: true });
  assertEquals(eq.errors, []);
});

test("parseFlags() reads comma-separated lists and an empty list", () => {
  const { values, errors } = parseFlags(["--hidden", "32,32,32", "--x", "C1,C2", "--hidden_dropout_ratios=0.1,0.2,0.3"], specs);
  assertEquals(errors, []);
  assertEquals(values, { hidden: [32, 32, 32], x: ["C1", "C2"], hidden_dropout_ratios: [0.1, 0.2, 0.3] });
  assertEquals(parseFlags(["--hidden="], specs).values, { hidden: [] });
});

test("parseFlags() maps the alias --y to response_column and accepts negative numbers as values", () => {
  const { values, errors } = parseFlags(["--y", "C785", "--seed", "-1", "--classification_stop", "-1"], specs);
  assertEquals(errors, []);
  assertEquals(values, { response_column: "C785", seed: -1, classification_stop: -1 });
});

test("parseFlags() suggests the closest flag for an unknown one", () => {
  const { errors } = parseFlags(["--hiden", "32", "--input_dropout_ration", "0.2"], specs);
  assertEquals(errors, [
    "Unknown flag --hiden; did you mean --hidden?",
    "Unknown flag --input_dropout_ration; did you mean --input_dropout_ratio?",
  ]);
  const far = parseFlags(["--completely_unrelated_thing"], specs).errors;
  assertEquals(far, ["Unknown flag --completely_unrelated_thing"]);
});

test("parseFlags() reports every problem at once, each naming its flag", () => {
  const { values, errors, failed } = parseFlags(
    ["--epochs", "-1", "--activation", "Sigmoid", "--hidden", "32,x", "--bogus", "--input-dropout-ratio", "1", "--l1", "1e-5", "--l2"],
    specs,
  );
  assertEquals(values, { l1: 1e-5 });
  assertEquals(errors.length, 6, errors.join("\n"));
  for (const name of ["epochs", "activation", "hidden", "bogus", "input_dropout_ratio", "l2"]) {
    assert(errors.some((e) => e.includes(name)), `no error names ${name}: ${errors.join(" / ")}`);
  }
  assert(errors.some((e) => e.includes("--l2 needs a value")), errors.join(" / "));
  assertEquals([...failed].sort(), ["activation", "epochs", "hidden", "input_dropout_ratio", "l2"]);
});

test("parseFlags() rejects a flag given twice, stray arguments and single-dash flags", () => {
  const twice = parseFlags(["--epochs", "1", "--epochs=2"], specs);
  assertEquals(twice.errors, [`--epochs is given twice ("1" as --epochs, then "2" as --epochs): give it once`]);
  const stray = parseFlags(["train.csv"], specs);
  assert(stray.errors[0].startsWith(`Unexpected argument "train.csv"`), stray.errors[0]);
  const single = parseFlags(["-epochs", "3"], specs);
  assert(single.errors[0].includes(`"--epochs"`), single.errors[0]);
  const positional = parseFlags(["file.csv", "--head", "3"], { head: { type: "int", default: 0, help: "" } }, { maxPositionals: 1 });
  assertEquals(positional, { values: { head: 3 }, positionals: ["file.csv"], errors: [], failed: new Set() });
});

test("requireFlag() adds a message only when the flag is missing and not already reported", () => {
  const parsed = parseFlags(["--epochs", "1"], specs);
  requireFlag(parsed, "training_frame", "the training data");
  requireFlag(parsed, "epochs", "never reported");
  assertEquals(parsed.errors, ["--training_frame is required: the training data"]);
  const bad = parseFlags(["--training_frame"], specs);
  requireFlag(bad, "training_frame", "the training data");
  assertEquals(bad.errors.length, 1);
});

test("wantsHelp() sees --help and -h before --", () => {
  assert(wantsHelp(["--epochs", "1", "--help"]));
  assert(wantsHelp(["-h"]));
  assert(!wantsHelp(["--", "--help"]));
  assert(!wantsHelp(["--epochs", "1"]));
});

test("formatFlags() lists every Deep Learning parameter with its default under its section", () => {
  const help = formatFlags(specs);
  const lines = help.split("\n");
  for (const [name, spec] of Object.entries(deepLearningParams)) {
    const line = lines.find((l) => l.startsWith(`  --${name} `) || l.startsWith(`  --${name},`));
    assert(line, `--${name} is missing from the help`);
    assert(line.includes(`(default ${formatValue(spec.default)})`), `--${name} lacks its default: ${line}`);
    const next = lines[lines.indexOf(line) + 1];
    assertEquals(next.trim(), spec.help, `help line of --${name}`);
    const section = lines.slice(0, lines.indexOf(line)).reverse().find((l) => /^\S.*:$/.test(l));
    assertEquals(section, `${spec.section}:`, `section of --${name}`);
  }
  for (const flag of ["--model_out", "--quiet", "--x", "--optimizer", "--response_column, --y"]) {
    assert(help.includes(`  ${flag} `), `${flag} is missing from the help`);
  }
  assert(help.startsWith("Command line:"), "the CLI's own flags come first");
  assert(help.includes("(default RectifierWithDropout)") === false, "train's help shows H2O's defaults, not the demo's");
});
