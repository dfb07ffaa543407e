/**
 * The output head: what the network's last layer is and what it is trained towards. One concept
 * with three instances — a softmax over the classes (classification), one linear unit
 * (regression), and "reconstruct the input" (autoencoder, spec §14): n₀ units with the hidden
 * activation, trained towards the row's own (normalised, one-hot) inputs before input dropout.
 * Everything that sizes, trains or scores the output layer asks the head.
 * @module
 */
import type { FusedNetwork } from "../backend.ts";
import type { PreprocessorSpec } from "./preprocess.ts";

/** The kind of model. */
export type Problem = "classification" | "regression" | "autoencoder";

/** The output layer a backend runs (FusedNetwork.output). */
export type OutputHead = FusedNetwork["output"];

/** The output layer of a kind of model. */
export function outputHead(problem: Problem): OutputHead {
  return problem === "classification" ? "softmax" : problem === "autoencoder" ? "reconstruct" : "linear";
}

/** Units of the output layer: the classes, one, or every network input (`inputs` = n₀). */
export function outputWidth(prep: PreprocessorSpec, inputs: number): number {
  if (!prep.response) return inputs; // an autoencoder has no response: it reconstructs its inputs
  return prep.response.kind === "categorical" ? prep.response.domain.length : 1;
}
