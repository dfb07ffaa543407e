/**
 * `pretrained_autoencoder` (spec §2.6, §14.7): a supervised model (or another autoencoder) starts
 * from an autoencoder's weights. Every weight matrix and bias but the output layer's is copied;
 * the output layer keeps its random start (biases 0). The input expansion and every hidden layer
 * must match exactly; a mismatch is an error naming the layer.
 * @module
 */
import type { Message } from "../params.ts";
import { networkInputNames } from "./inputs.ts";
import type { Shape } from "./network.ts";
import type { PreprocessorSpec } from "./preprocess.ts";
import type { ModelData } from "./train.ts";

const FIELD = "pretrained_autoencoder";

/** Why `ae` cannot start a network of `shape` on inputs `prep` (one message per problem; empty when it can). */
export function pretrainedMessages(ae: ModelData, shape: Shape, prep: PreprocessorSpec): Message[] {
  const out: Message[] = [];
  const err = (message: string) => out.push({ level: "error", field: FIELD, message });
  if (ae.problem !== "autoencoder") {
    err(`model ${ae.modelId} is not an autoencoder (it predicts "${ae.params.response_column}"): train one with autoencoder = true`);
    return out;
  }
  const mine = networkInputNames(prep), theirs = networkInputNames(ae.preprocessor);
  if (mine.length !== theirs.length) err(`the input layer (layer 1) has ${theirs.length} units in autoencoder ${ae.modelId} but ${mine.length} here: train both on frames with the same columns and levels`);
  else {
    const k = mine.findIndex((n, i) => n !== theirs[i]);
    if (k >= 0) err(`input ${k + 1} of the input layer is "${theirs[k]}" in autoencoder ${ae.modelId} but "${mine[k]}" here: train both on frames with the same columns and levels`);
  }
  const aeHidden = ae.shape.units.slice(1, -1), hidden = shape.units.slice(1, -1);
  if (aeHidden.length !== hidden.length) {
    err(`autoencoder ${ae.modelId} has ${aeHidden.length} hidden layer(s) (${aeHidden.join(",")}), this network ${hidden.length} (${hidden.join(",")}): set hidden to ${aeHidden.join(",")}`);
  } else {
    hidden.forEach((u, i) => {
      if (u !== aeHidden[i]) err(`hidden layer ${i + 1} (layer ${i + 2}) has ${aeHidden[i]} units in autoencoder ${ae.modelId} but ${u} here: set hidden to ${aeHidden.join(",")}`);
    });
  }
  if ((ae.shape.channels ?? 1) !== (shape.channels ?? 1)) err(`autoencoder ${ae.modelId} has ${ae.shape.channels} channel(s) per hidden unit, this network ${shape.channels}: use its activation, ${ae.activation}`);
  return out;
}

/** The autoencoder's weights and biases below the output layer, by name ("weights.0", "biases.0", …). */
export function pretrainedState(ae: ModelData): Record<string, Float64Array> {
  const out: Record<string, Float64Array> = {};
  for (let m = 0; m < ae.shape.units.length - 2; m++) {
    out[`weights.${m}`] = Float64Array.from(ae.state[`weights.${m}`]);
    out[`biases.${m}`] = Float64Array.from(ae.state[`biases.${m}`]);
  }
  return out;
}
