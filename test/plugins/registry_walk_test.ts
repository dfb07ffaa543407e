/**
 * The generic plugin test (STYLE §3, §5): walks every registry of plugins/mod.ts, so adding a
 * plugin file to the static list tests it. Each plugin's own vectors must hold, derivatives must
 * match central finite differences of the plugin's own functions, and the Registry keeps its
 * add/get/alias contract.
 */
import { assert, assertClose, assertEquals, assertThrows, test } from "../_harness.ts";
import type { Distribution, DistributionParams } from "../../core/distribution.ts";
import { linkInv } from "../../core/distribution.ts";
import { replayOptimizer } from "../../core/optimizer.ts";
import type { ParamSpecs } from "../../core/params.ts";
import { Registry } from "../../core/registry.ts";
import { activations, distributions, optimizers, regularizers, transports } from "../../plugins/mod.ts";

function defaults(specs: ParamSpecs | undefined): Record<string, number> {
  const out: Record<string, number> = {};
  for (const [k, s] of Object.entries(specs ?? {})) if (typeof s.default === "number") out[k] = s.default;
  return out;
}

/** A distribution's parameters: its declared defaults, then the first vector that sets any. */
function distParams(d: Distribution): DistributionParams {
  return { ...defaults(d.params), ...(d.vectors.find((v) => v.params)?.params ?? {}) };
}

// ── Every registry ───────────────────────────────────────────────────────────────────────────

for (const [kind, reg] of [["activation", activations], ["distribution", distributions], ["optimizer", optimizers], ["regularizer", regularizers], ["transport", transports]] as const) {
  test(`plugins/mod.ts ${kind}s: every entry has a name and summary and is found by its name`, () => {
    const list = (reg as Registry<{ name: string; summary: string }>).list();
    assert(list.length > 0, `the ${kind} registry is empty`);
    const names = new Set<string>();
    for (const p of list) {
      assert(typeof p.name === "string" && p.name.length > 0, `a ${kind} has no name`);
      assert(typeof p.summary === "string" && p.summary.trim().length > 0, `${kind} "${p.name}" has no summary`);
      assert(!names.has(p.name), `${kind} "${p.name}" is listed twice`);
      names.add(p.name);
      assert(reg.get(p.name) === p, `${kind} registry get("${p.name}") returns another entry`);
      assert(Object.isFrozen(p) || kind === "transport", `${kind} "${p.name}" is not frozen (declare it with define…)`);
    }
  });
}

test("plugins/mod.ts registers the H2O built-ins under their H2O names", () => {
  for (const n of ["Tanh", "Rectifier", "Maxout"]) assert(activations.has(n), `activation ${n} missing`);
  for (const n of ["bernoulli", "multinomial", "gaussian", "poisson", "gamma", "tweedie", "laplace", "quantile", "huber"]) {
    assert(distributions.has(n), `distribution ${n} missing`);
  }
  for (const n of ["adadelta", "sgd", "momentum", "nesterov"]) assert(optimizers.has(n), `optimizer ${n} missing`);
  for (const n of ["l1", "l2", "max_w2", "input_dropout", "hidden_dropout"]) assert(regularizers.has(n), `regularizer ${n} missing`);
});

// ── Activations ──────────────────────────────────────────────────────────────────────────────

for (const act of activations.list()) {
  test(`activation ${act.name}: every vector [z, f(z), f'(z)] holds`, () => {
    assert(act.vectors.length > 0, "no vectors");
    for (const [z, fz, dfz] of act.vectors) {
      const a = act.f(z);
      assertClose(a, fz, { atol: 1e-12, rtol: 1e-12, message: `${act.name}.f(${z})` });
      assertClose(act.df(z, a), dfz, { atol: 1e-12, rtol: 1e-12, message: `${act.name}.df(${z}, ${a})` });
    }
  });

  test(`activation ${act.name}: df matches a central finite difference of f away from kinks`, () => {
    const h = 1e-6;
    let checked = 0;
    for (let k = 0; k <= 160; k++) {
      const z = -4 + k * 0.05 + 0.0123; // never exactly on 0
      if (Math.abs(z) < 1e-3) continue; // Rectifier's kink (and any at 0)
      const fd = (act.f(z + h) - act.f(z - h)) / (2 * h);
      assertClose(act.df(z, act.f(z)), fd, { atol: 1e-7, rtol: 1e-6, message: `${act.name} at z = ${z}` });
      checked++;
    }
    assert(checked > 150, "too few points checked");
  });

  test(`activation ${act.name}: channels is a positive integer and initial biases are finite`, () => {
    assert(Number.isInteger(act.channels) && act.channels! >= 1, `channels ${act.channels}`);
    if (act.initialBias) for (const b of act.initialBias) assert(Number.isFinite(b), `initial bias ${b}`);
  });
}

test("activation initial biases follow H2O (spec §2.5): Rectifier and Maxout 0.5 then 1, Tanh 0", () => {
  assertEquals(activations.get("Rectifier").initialBias, [0.5, 1]);
  assertEquals(activations.get("Maxout").initialBias, [0.5, 1]);
  assertEquals(activations.get("Tanh").initialBias ?? [0, 0], [0, 0]);
  assertEquals(activations.get("Maxout").channels, 2);
});

// ── Distributions ────────────────────────────────────────────────────────────────────────────

for (const d of distributions.list()) {
  test(`distribution ${d.name}: every vector's deviance and gradient hold`, () => {
    assert(d.vectors.length > 0, "no vectors");
    for (const v of d.vectors) {
      const p = { ...defaults(d.params), ...(v.params ?? {}) };
      assertClose(d.deviance(v.y, v.mu, p), v.deviance, { atol: 1e-12, rtol: 1e-10, message: `${d.name}.deviance(${v.y}, ${v.mu})` });
      assertClose(d.gradient(v.y, v.mu, p), v.gradient, { atol: 1e-12, rtol: 1e-10, message: `${d.name}.gradient(${v.y}, ${v.mu})` });
    }
  });

  test(`distribution ${d.name}: family and link agree`, () => {
    if (d.family === "classification") assertEquals(d.link, "softmax");
    else assert(d.link === "identity" || d.link === "log", `regression link "${d.link}"`);
  });

  if (d.family === "regression") {
    test(`distribution ${d.name}: gradient = d deviance / d eta by finite differences through the link`, () => {
      const p = distParams(d);
      const delta = p.huber_delta;
      const h = 1e-6;
      const dev = (y: number, eta: number) => d.deviance(y, linkInv(d.link, eta), p);
      let checked = 0;
      for (const y of [0, 0.5, 1, 2.5, 4]) {
        for (const eta of [-1.3, -0.4, 0.3, 0.77, 1.2, 2.1]) {
          const mu = linkInv(d.link, eta);
          if (d.checkResponse?.(y)) continue;
          if (y === 0 && d.name === "gamma") continue; // infinite deviance at y = 0 (spec §4.5)
          const r = Math.abs(y - mu);
          if (r < 1e-3) continue; // laplace/quantile kink at y = mu
          if (delta !== undefined && Math.abs(r - delta) < 1e-3) continue; // huber's kink at |y − mu| = δ
          const fd = (dev(y, eta + h) - dev(y, eta - h)) / (2 * h);
          assertClose(d.gradient(y, mu, p), fd, { atol: 1e-6, rtol: 1e-6, message: `${d.name} at y = ${y}, eta = ${eta}` });
          checked++;
        }
      }
      assert(checked >= 20, `only ${checked} points checked`);
    });

    test(`distribution ${d.name}: deviance is 0 and minimal at mu = y`, () => {
      const p = distParams(d);
      for (const y of [0.5, 1, 3]) {
        assertClose(d.deviance(y, y, p), 0, { atol: 1e-12, message: `${d.name}.deviance(${y}, ${y})` });
        for (const mu of [y * 0.5, y * 1.5, y + 2]) assert(d.deviance(y, mu, p) > 0, `${d.name}.deviance(${y}, ${mu}) should be > 0`);
      }
    });
  } else {
    test(`distribution ${d.name}: per-unit gradient is mu − y (softmax cross-entropy)`, () => {
      const p = distParams(d);
      for (const mu of [0.01, 0.2, 0.5, 0.93]) {
        for (const y of [0, 1]) assertClose(d.gradient(y, mu, p), mu - y, { message: `${d.name}.gradient(${y}, ${mu})` });
      }
    });
  }
}

test("huber and quantile read their parameters (the vectors would not show a hard-coded value)", () => {
  const hub = distributions.get("huber"), q = distributions.get("quantile"), tw = distributions.get("tweedie");
  assertClose(hub.gradient(0, 5, { huber_delta: 2 }), 4);
  assertClose(hub.gradient(0, 5, { huber_delta: 0.5 }), 1);
  assertClose(hub.deviance(0, 5, { huber_delta: 2 }), 2 * (10 - 2));
  assertClose(q.gradient(3, 1, { quantile_alpha: 0.1 }), -0.1);
  assertClose(q.gradient(1, 3, { quantile_alpha: 0.1 }), 0.9);
  // tweedie p = 1.2 at y = 2, mu = 1: 2(1 − 2) = −2 for any p; deviance differs by p.
  assertClose(tw.gradient(2, 1, { tweedie_power: 1.2 }), -2);
  assert(tw.deviance(2, 1, { tweedie_power: 1.2 }) !== tw.deviance(2, 1, { tweedie_power: 1.8 }), "tweedie deviance ignores tweedie_power");
});

test("Appendix C.9 output errors hold through the registered distributions", () => {
  const g = (name: string, y: number, eta: number, p: DistributionParams = {}) => {
    const d = distributions.get(name);
    return d.gradient(y, linkInv(d.link, eta), p);
  };
  assertClose(g("gaussian", 1, 3), 4);
  assertClose(g("laplace", 1, 3), 1);
  assertClose(g("laplace", 2, 2), -1); // a tie counts as under-prediction
  assertClose(g("quantile", 1, 3, { quantile_alpha: 0.8 }), 0.2);
  assertClose(g("quantile", 3, 1, { quantile_alpha: 0.8 }), -0.8);
  assertClose(g("huber", 1, 3, { huber_delta: 1 }), 2);
  assertClose(g("huber", 1, 1.5, { huber_delta: 1 }), 1);
  assertClose(g("poisson", 2, Math.log(2)), 0, { atol: 1e-12 });
  assertClose(g("poisson", 0, 0), 2);
  assertClose(g("gamma", 1, 0), 0);
  assertClose(g("tweedie", 1, 0, { tweedie_power: 1.5 }), 0);
});

// ── Optimizers ───────────────────────────────────────────────────────────────────────────────

for (const o of optimizers.list()) {
  test(`optimizer ${o.name}: replayOptimizer(vector) reproduces the vector's weights`, () => {
    assert(o.vectors.length > 0, "no vectors");
    for (const v of o.vectors) {
      const got = replayOptimizer(o, v);
      assertEquals(got.length, v.weights.length, `${o.name}: number of steps`);
      assertClose(got, v.weights, { atol: 1e-12, rtol: 1e-9, message: `${o.name} vector w0 = ${v.w0}` });
    }
  });

  test(`optimizer ${o.name}: a zero gradient from a zero state leaves the weight unchanged`, () => {
    const s = new Float64Array(o.slots);
    const p0 = { ...defaults(o.params), ...o.vectors[0].params };
    const p = o.schedule ? o.schedule(p0, { layer: 1, samples: 0 }) : p0;
    assertEquals(o.step(0.75, 0, s, p), 0.75);
    assertEquals(Array.from(s), new Array(o.slots).fill(0));
  });

  test(`optimizer ${o.name}: every parameter has a numeric default`, () => {
    for (const [k, spec] of Object.entries(o.params)) assert(typeof spec.default === "number", `${o.name}.${k} default ${spec.default}`);
  });
}

// ── Regularizers ─────────────────────────────────────────────────────────────────────────────

for (const r of regularizers.list()) {
  test(`regularizer ${r.name}: every vector holds for each hook it implements`, () => {
    assert(r.vectors.length > 0, "no vectors");
    let hooks = 0;
    for (const v of r.vectors) {
      if (r.gradient) {
        assertClose(r.gradient(v.input, v.params), v.output, { message: `${r.name}.gradient(${v.input})` });
        hooks++;
      }
      if (r.constrain) {
        assertClose(r.constrain(v.input, v.params), v.output, { message: `${r.name}.constrain(${v.input})` });
        hooks++;
      }
      if (r.dropRatio) {
        assertClose(r.dropRatio(v.input, 2, v.params), v.output, { message: `${r.name}.dropRatio(layer ${v.input}, layers 2)` });
        hooks++;
      }
    }
    assert(hooks > 0, `${r.name} implements no hook`);
  });

  test(`regularizer ${r.name}: its vectors' settings make it active, its declared defaults do not`, () => {
    for (const v of r.vectors) assert(r.active(v.params), `${r.name} inactive under ${JSON.stringify(v.params)}`);
    const dflt = Object.fromEntries(Object.entries(r.params).map(([k, s]) => [k, s.default]));
    assert(!r.active(dflt), `${r.name} is active under its defaults ${JSON.stringify(dflt)} (H2O's defaults switch every regularizer off)`);
  });
}

test("max_w2 scales a row to norm² = max_w2 exactly and leaves smaller rows alone", () => {
  const m = regularizers.get("max_w2");
  for (const s of [10.0001, 25, 1e6]) {
    const f = m.constrain!(s, { max_w2: 10 });
    assertClose(f * f * s, 10, { rtol: 1e-14 });
  }
  assertEquals(m.constrain!(10, { max_w2: 10 }), 1);
  assertEquals(m.constrain!(0, { max_w2: 10 }), 1);
});

// ── Registry ─────────────────────────────────────────────────────────────────────────────────

type Thing = { name: string; summary: string; v?: number };

test("Registry.add() throws TypeError on a taken name unless { override: true }", async () => {
  const r = new Registry<Thing>("thing");
  r.add({ name: "a", summary: "first", v: 1 });
  await assertThrows(() => r.add({ name: "a", summary: "second", v: 2 }), TypeError, `"a"`);
  assertEquals(r.get("a").v, 1, "a failed add must not replace the entry");
  r.add({ name: "a", summary: "second", v: 2 }, { override: true });
  assertEquals(r.get("a").v, 2);
  assertEquals(r.list().length, 1, "override replaces, it does not append");
});

test("Registry.add() rejects an entry without a name", async () => {
  const r = new Registry<Thing>("thing");
  await assertThrows(() => r.add({ name: "", summary: "x" }), TypeError, "name");
  await assertThrows(() => r.add(undefined as unknown as Thing), TypeError);
});

test("Registry.get() throws RangeError listing the known names when the name is missing", async () => {
  const r = new Registry<Thing>("widget");
  r.add({ name: "Alpha", summary: "" });
  r.add({ name: "Beta", summary: "" });
  r.alias("AlphaWithDropout", "Alpha");
  const e = await assertThrows(() => r.get("Gamma"), RangeError, `"Gamma"`);
  for (const n of ["Alpha", "Beta", "AlphaWithDropout", "widget"]) assert(e.message.includes(n), `message lacks ${n}: ${e.message}`);
  await assertThrows(() => r.get("alpha"), RangeError); // case-sensitive, as H2O's enum names
});

test("Registry.alias() resolves to its target, is listed by names() but not by list()", async () => {
  const r = new Registry<Thing>("thing");
  const a = { name: "Tanh", summary: "t" };
  r.add(a);
  r.alias("TanhAlias", "Tanh");
  assert(r.get("TanhAlias") === a, "alias does not resolve to its target");
  assert(r.has("TanhAlias") && r.has("Tanh") && !r.has("Nope"));
  assertEquals(r.list().map((x) => x.name), ["Tanh"]);
  assertEquals(r.names(), ["Tanh", "TanhAlias"]);
  await assertThrows(() => r.alias("X", "Missing"), RangeError, "Missing");
  assert(!r.has("X"), "a failed alias must not be registered");
  await assertThrows(() => r.add({ name: "TanhAlias", summary: "clash" }), TypeError, "TanhAlias");
  // Overriding an alias with a real entry replaces the alias.
  const b = { name: "TanhAlias", summary: "real" };
  r.add(b, { override: true });
  assert(r.get("TanhAlias") === b, "override of an alias must win over the alias");
  assertEquals(r.list().length, 2);
});

test("Registry.list() keeps insertion order", () => {
  const r = new Registry<Thing>("thing");
  for (const n of ["c", "a", "b"]) r.add({ name: n, summary: n });
  assertEquals(r.list().map((x) => x.name), ["c", "a", "b"]);
});
