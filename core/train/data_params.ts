/**
 * Cross-field checks of the data-side parameters (spec §1.1, §1.3, §1.9, §1.12, §1.13, §2.6):
 * balance_classes and its companions, offset_column, categorical_encoding, and the initial
 * weights and biases. Each problem is one message naming its field and the fix.
 * @module
 */
import type { ParamSpecs, ParamValues } from "../params.ts";
import { resolveName } from "../params.ts";
import type { Frame } from "../../frame/frame.ts";
import type { Problem } from "./resolve.ts";

/** What the checks know about the plan so far. */
export interface DataParamContext {
  readonly specs: ParamSpecs;
  /** The user's values, as typed (to tell "given" from "default"). */
  readonly input: Readonly<Record<string, unknown>>;
  readonly train: Frame;
  readonly problem: Problem;
  /** Number of classes (0 for regression). */
  readonly classes: number;
  readonly err: (field: string, message: string) => void;
}

/** Reports every problem of the data-side parameters through `ctx.err`. */
export function checkDataParams(p: ParamValues, ctx: DataParamContext): void {
  const { err, train } = ctx;
  const given = (name: string) => Object.keys(ctx.input).some((k) => ctx.input[k] !== undefined && resolveName(ctx.specs, k) === name);

  // Class balancing (spec §1.13): classification only; its companions need it.
  const balance = p.balance_classes === true;
  if (balance && ctx.problem !== "classification") err("balance_classes", `"balance_classes" needs a classification model (a categorical response); remove it for regression`);
  const factors = p.class_sampling_factors as number[] | null;
  if (factors !== null && !balance) err("class_sampling_factors", `"class_sampling_factors" only applies with balance_classes = true: add --balance_classes true or remove it`);
  // A client that sends every parameter sends the default too: only a changed value needs balance_classes.
  if (given("max_after_balance_size") && p.max_after_balance_size !== ctx.specs.max_after_balance_size.default && !balance) err("max_after_balance_size", `"max_after_balance_size" only applies with balance_classes = true: add --balance_classes true or remove it`);
  if (factors !== null && balance && ctx.classes > 0) {
    if (factors.length !== ctx.classes) err("class_sampling_factors", `"class_sampling_factors" needs one factor per class, in domain order (${ctx.classes}): got ${factors.length}`);
    else if (!factors.some((f) => f > 0)) err("class_sampling_factors", `"class_sampling_factors" must have a positive factor for at least one class`);
  }

  // Offsets (spec §1.1, §1.12): a numeric column without missing values, regression only.
  const offset = p.offset_column as string | null;
  if (offset !== null) {
    if (ctx.problem === "classification") err("offset_column", `"offset_column" applies to regression only; this is a classification model: remove it`);
    if (offset === p.weights_column) err("offset_column", `"offset_column" must differ from weights_column ("${offset}")`);
    if (offset === p.response_column) err("offset_column", `"offset_column" must differ from the response column ("${offset}")`);
    if (!train.has(offset)) err("offset_column", `No column "${offset}" in the training frame for offset_column`);
    else {
      const c = train.col(offset);
      if (c.type !== "numeric") err("offset_column", `offset_column "${offset}" is ${c.type}; offsets must be numeric`);
      else {
        const bad = c.data.toFloat64Array().findIndex((v) => !Number.isFinite(v));
        if (bad >= 0) err("offset_column", `offset_column "${offset}" has a missing or infinite value at row ${bad + 1}; offsets must be finite numbers`);
      }
    }
  }

  // categorical_encoding (spec §1.3).
  if (p.categorical_encoding === "SortByResponse" && ctx.problem === "classification" && ctx.classes > 2) {
    err("categorical_encoding", `categorical_encoding SortByResponse needs a numeric or two-class response; "${p.response_column}" has ${ctx.classes} classes: use another encoding`);
  }
}
