/**
 * The built-in plugins, imported by literal path so a compiled binary holds every one of them,
 * and the registries users add their own to.
 * @module
 */
import type { Activation } from "../core/activation.ts";
import type { Distribution } from "../core/distribution.ts";
import type { Optimizer } from "../core/optimizer.ts";
import type { Regularizer } from "../core/regularizer.ts";
import type { Transport } from "../core/transport.ts";
import { Registry } from "../core/registry.ts";
import { maxout } from "./activations/maxout.ts";
import { rectifier } from "./activations/rectifier.ts";
import { tanh } from "./activations/tanh.ts";
import { bernoulli } from "./distributions/bernoulli.ts";
import { gamma } from "./distributions/gamma.ts";
import { gaussian } from "./distributions/gaussian.ts";
import { huber } from "./distributions/huber.ts";
import { laplace } from "./distributions/laplace.ts";
import { multinomial } from "./distributions/multinomial.ts";
import { poisson } from "./distributions/poisson.ts";
import { quantile } from "./distributions/quantile.ts";
import { tweedie } from "./distributions/tweedie.ts";
import { adadelta } from "./optimizers/adadelta.ts";
import { momentum, nesterov } from "./optimizers/momentum.ts";
import { sgd } from "./optimizers/sgd.ts";
import { hiddenDropout, inputDropout } from "./regularizers/dropout.ts";
import { l1 } from "./regularizers/l1.ts";
import { l2 } from "./regularizers/l2.ts";
import { maxW2 } from "./regularizers/max_w2.ts";
import { memoryTransport } from "./transports/memory.ts";
import { tcpFromEnvironment } from "./transports/tcp.ts";

/** Hidden-layer activations by name ("Tanh", "Rectifier", "Maxout", …). */
export const activations: Registry<Activation> = new Registry<Activation>("activation");
/** Output distributions by H2O name ("gaussian", "multinomial", …). */
export const distributions: Registry<Distribution> = new Registry<Distribution>("distribution");
/** Parameter update rules ("adadelta", "sgd", "momentum", "nesterov"). */
export const optimizers: Registry<Optimizer> = new Registry<Optimizer>("optimizer");
/** Regularizers ("l1", "l2", "max_w2", "input_dropout", "hidden_dropout"). */
export const regularizers: Registry<Regularizer> = new Registry<Regularizer>("regularizer");
/** Transports for model averaging between peers ("memory", …). */
export const transports: Registry<Transport> = new Registry<Transport>("transport");

const BUILT_IN = {
  activations: [tanh, rectifier, maxout],
  distributions: [bernoulli, multinomial, gaussian, poisson, gamma, tweedie, laplace, quantile, huber],
  optimizers: [adadelta, sgd, momentum, nesterov],
  regularizers: [l1, l2, maxW2, inputDropout, hiddenDropout],
  transports: [memoryTransport, tcpFromEnvironment],
};
for (const a of BUILT_IN.activations) activations.add(a);
for (const d of BUILT_IN.distributions) distributions.add(d);
for (const o of BUILT_IN.optimizers) optimizers.add(o);
for (const r of BUILT_IN.regularizers) regularizers.add(r);
for (const t of BUILT_IN.transports) transports.add(t);

/** Fresh registries holding only the built-ins: plugins added to them stay out of the shared ones. */
export function createPlugins(): {
  activations: Registry<Activation>;
  distributions: Registry<Distribution>;
  optimizers: Registry<Optimizer>;
  regularizers: Registry<Regularizer>;
  transports: Registry<Transport>;
} {
  const set = {
    activations: new Registry<Activation>("activation"),
    distributions: new Registry<Distribution>("distribution"),
    optimizers: new Registry<Optimizer>("optimizer"),
    regularizers: new Registry<Regularizer>("regularizer"),
    transports: new Registry<Transport>("transport"),
  };
  for (const a of BUILT_IN.activations) set.activations.add(a);
  for (const d of BUILT_IN.distributions) set.distributions.add(d);
  for (const o of BUILT_IN.optimizers) set.optimizers.add(o);
  for (const r of BUILT_IN.regularizers) set.regularizers.add(r);
  for (const t of BUILT_IN.transports) set.transports.add(t);
  return set;
}
