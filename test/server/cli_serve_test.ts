/**
 * `tide serve` from the command line: flag errors, help, and a real listen → request → shutdown.
 */
import { assert, assertEquals, test } from "../_harness.ts";
import { memoryIo } from "../../cli/_io.ts";
import { main } from "../../cli/main.ts";

test("tide serve refuses bad flags with exit 2 and shows its flags with --help", async () => {
  const io = memoryIo();
  assertEquals(await main(["serve", "--auth", "nocolon", "--port", "99999"], io), 2);
  assert(io.stderr.includes("--auth must be user:password") && io.stderr.includes('"port"'), io.stderr);
  const help = memoryIo();
  assertEquals(await main(["serve", "--help"], help), 0);
  for (const f of ["--data_dir", "--store", "--auth_file", "--max_upload_mb", "--h2o_version"]) assert(help.stdout.includes(f), f);
});

test("tide serve listens on loopback, prints its URL, answers, and stops on POST /3/Shutdown", async () => {
  let url = "";
  let resolveUrl: (u: string) => void = () => {};
  const seen = new Promise<string>((r) => (resolveUrl = r));
  const io = { ...memoryIo(), out: (t: string) => ((url += t), /\n/.test(url) && resolveUrl(url.trim())) };
  const running = main(["serve", "--port", "0", "--name", "cli-test"], io);
  const u = await seen;
  assert(/^http:\/\/127\.0\.0\.1:\d+$/.test(u), u);
  const cloud = await (await fetch(`${u}/3/Cloud`)).json();
  assertEquals(cloud.cloud_name, "cli-test");
  assertEquals((await fetch(`${u}/3/Shutdown`, { method: "POST" })).status, 200);
  assertEquals(await running, 0);
}, { timeout: 20_000 });
