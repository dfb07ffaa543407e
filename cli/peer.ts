/**
 * `tide peer`: waits for coordinators' training jobs on a TCP address (docs/distributed.md).
 * @module
 */
import process from "node:process";
import { readFile } from "node:fs/promises";
import type { ParamSpecs } from "../core/params.ts";
import { servePeer } from "../distributed/peer.ts";
import { tcpTransport } from "../plugins/transports/tcp.ts";
import type { Command } from "./_command.ts";
import { commandHelp } from "./_command.ts";
import { parseFlags, requireFlag, UsageError, wantsHelp } from "./_flags.ts";
import type { Io } from "./_io.ts";

const PEER = "Peers";

/** Flags shared by `tide peer` and `tide train --peers`. */
export const SECRET_FLAG: ParamSpecs = {
  secret_file: { type: "string", default: null, section: PEER, help: "File holding the secret every peer shares (at least 16 bytes; peers authenticate each other with it)" },
};

const flags = (): ParamSpecs => ({
  listen: { type: "string", default: null, section: PEER, help: "Address to listen on, host:port (0.0.0.0:7000 for every interface)" },
  ...SECRET_FLAG,
});

/** The secret in `path`, without a trailing newline; a clear error when it is missing or short. */
export async function readSecret(path: string, command: string): Promise<string> {
  const text = await readFile(path, "utf8").catch((e) => {
    throw new UsageError([`--secret_file: cannot read ${path}: ${(e as Error).message}`], command);
  });
  const secret = text.replace(/\r?\n$/, "");
  if (new TextEncoder().encode(secret).length < 16) throw new UsageError([`--secret_file: the secret in ${path} is shorter than 16 bytes; write a longer one (e.g. openssl rand -hex 32 > ${path})`], command);
  return secret;
}

/** `tide peer`. */
export const peer: Command = {
  name: "peer",
  summary: "Serve as a peer for training on several machines (tide train --peers)",
  usage: "tide peer --listen HOST:PORT --secret_file FILE",
  description: [
    "Waits for training jobs from `tide train --peers`: reads the training frame from the path the job names,",
    "trains its part and averages the model with the other peers at every iteration, until the coordinator",
    "stops it; then waits for the next job. Runs until interrupted. A peer restarted on its address during a",
    "run (or one whose connection broke) is reached again by the coordinator and rejoins at the next",
    "iteration boundary with the current model. See docs/distributed.md.",
    "",
    "Example:",
    "  tide peer --listen 0.0.0.0:7000 --secret-file secret.txt",
  ].join("\n"),
  flags,
  async run(argv: readonly string[], io: Io): Promise<number> {
    if (wantsHelp(argv, flags())) {
      io.out(commandHelp(peer));
      return 0;
    }
    const parsed = parseFlags(argv, flags());
    requireFlag(parsed, "listen", "the address to listen on, host:port");
    requireFlag(parsed, "secret_file", "the file with the peers' shared secret");
    if (parsed.errors.length) throw new UsageError(parsed.errors, "peer");
    const secret = await readSecret(parsed.values.secret_file as string, "peer");
    const log = (line: string) => io.err(`${new Date().toISOString()} ${line}\n`);
    const server = await servePeer({ transport: tcpTransport({ secret, log }), listen: parsed.values.listen as string, log });
    log(`tide peer listening on ${server.address}`);
    await new Promise<void>((resolve) => {
      const stop = () => resolve();
      process.once("SIGINT", stop);
      process.once("SIGTERM", stop);
    });
    await server.close();
    log("tide peer stopped");
    return 0;
  },
};
