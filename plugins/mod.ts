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

for (const a of [tanh, rectifier, maxout]) activations.add(a);
for (const d of [bernoulli, multinomial, gaussian, poisson, gamma, tweedie, laplace, quantile, huber]) distributions.add(d);
for (const o of [adadelta, sgd, momentum, nesterov]) optimizers.add(o);
for (const r of [l1, l2, maxW2, inputDropout, hiddenDropout]) regularizers.add(r);
transports.add(memoryTransport);
