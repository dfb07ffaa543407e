// Tide's web UI (docs/ui.md): one page per hash route, rendered with template strings into
// <main>. Every request goes to H2O's REST routes (the ones h2o-py uses) or to the job event
// stream /ui/jobs/{id}/events. Line charts and the error histogram are uPlot (its global `uPlot`,
// loaded from the binary by loadUplot); the small bar charts are HTML and SVG (helpers at the end).

const main = document.getElementById("main");
const esc = (s) => String(s ?? "").replace(/[&<>"']/g, (c) => ({ "&": "&amp;", "<": "&lt;", ">": "&gt;", '"': "&quot;", "'": "&#39;" })[c]);
const enc = encodeURIComponent;
const num = (v, d = 4) => (v === null || v === undefined || v === "" ? "" : typeof v === "number" ? (Number.isNaN(v) ? "NaN" : Number.isInteger(v) ? String(v) : String(+v.toPrecision(d))) : esc(v));
/** A parameter value as a person reads it: key references by name, lists in brackets. */
const show = (v) => (v && typeof v === "object" && !Array.isArray(v) ? esc(v.name ?? v.column_name ?? JSON.stringify(v)) : esc(JSON.stringify(v)));
const COLORS = ["#1f6feb", "#e8590c", "#2f9e44", "#ae3ec9", "#f59f00", "#0c8599", "#c2255c", "#5c940d"];
/** Live resources of the current page (event streams), closed when the page changes. */
let cleanups = [];

// ---- REST -------------------------------------------------------------------------------------

/** Calls a REST route; form fields are sent form-encoded, as h2o-py sends them. Throws the server's message. */
async function api(method, path, form) {
  const init = { method, headers: {} };
  if (form) {
    init.body = new URLSearchParams(Object.entries(form).filter(([, v]) => v !== undefined)).toString();
    init.headers["content-type"] = "application/x-www-form-urlencoded";
  }
  const res = await fetch(path, init);
  const body = await res.json().catch(() => ({}));
  if (!res.ok) {
    const err = new Error(body.msg || body.exception_msg || `HTTP ${res.status}`);
    err.body = body;
    throw err;
  }
  return body;
}
const list = (xs) => `[${xs.map((x) => JSON.stringify(String(x))).join(",")}]`;
/** Polls a job until it ends (the pages that do not need live charts). */
async function waitJob(id, onProgress) {
  for (;;) {
    const job = (await api("GET", `/3/Jobs/${enc(id)}`)).jobs[0];
    onProgress?.(job);
    if (job.status === "FAILED") throw new Error(job.exception);
    if (job.status !== "RUNNING" && job.status !== "CREATED") return job;
    await new Promise((r) => setTimeout(r, 150));
  }
}
function toast(msg) {
  const t = document.createElement("div");
  t.className = "toast";
  t.setAttribute("role", "status");
  t.textContent = msg;
  document.body.append(t);
  setTimeout(() => t.remove(), 4000);
}
/** A TwoDimTableV3 as rows of objects (its data is stored column by column). */
function rows2d(t) {
  if (!t) return [];
  const n = t.rowcount ?? (t.data[0] ?? []).length;
  return Array.from({ length: n }, (_, i) => Object.fromEntries(t.columns.map((c, j) => [c.name, t.data[j][i]])));
}
function tableHtml(t, opts = {}) {
  if (!t) return "";
  const cols = t.columns.map((c) => c.name);
  // opts.blankNaN: NaN (the wire's "NaN") means "does not apply" there (the output layer's dropout), so the cell stays empty.
  const cell = (v) => (opts.blankNaN && (v === "NaN" || (typeof v === "number" && Number.isNaN(v))) ? "" : num(v));
  return `<div class="scroll"><table${opts.id ? ` id="${opts.id}"` : ""}><thead><tr>${cols.map((c) => `<th>${esc(c)}</th>`).join("")}</tr></thead><tbody>` +
    rows2d(t).map((r) => `<tr>${cols.map((c) => `<td>${cell(r[c])}</td>`).join("")}</tr>`).join("") + "</tbody></table></div>";
}

// ---- Router -----------------------------------------------------------------------------------

const routes = [
  [/^#\/frames$/, framesPage], [/^#\/frame\/(.+)$/, framePage], [/^#\/build(?:\/(.*))?$/, buildPage],
  [/^#\/jobs$/, jobsPage], [/^#\/job\/(.+)$/, jobPage], [/^#\/models$/, modelsPage], [/^#\/model\/(.+)$/, modelPage],
  [/^#\/compare\/(.+)$/, comparePage],
];
async function route() {
  for (const c of cleanups) c();
  cleanups = [];
  const hash = location.hash || "#/frames";
  for (const [re, page] of routes) {
    const m = hash.match(re);
    if (!m) continue;
    document.querySelectorAll("nav a").forEach((a) => a.setAttribute("aria-current", hash.startsWith(a.getAttribute("href")) ? "page" : "false"));
    try {
      await page(...m.slice(1).map((s) => (s === undefined ? s : decodeURIComponent(s))));
    } catch (e) {
      main.innerHTML = `<h1>Something went wrong</h1><p class="error">${esc(e.message)}</p>`;
    }
    return;
  }
  location.hash = "#/frames";
}
addEventListener("hashchange", route);
/** Marks each sideways-scrolling block (.scroll) that has more to the right than it shows. */
let overflowFrame = 0;
const markOverflow = () => (overflowFrame ||= requestAnimationFrame(() => {
  overflowFrame = 0;
  for (const el of main.querySelectorAll(".scroll")) el.classList.toggle("more", el.scrollLeft + el.clientWidth < el.scrollWidth - 1);
}));
addEventListener("resize", markOverflow);
main.addEventListener("scroll", markOverflow, true);
new MutationObserver(markOverflow).observe(main, { childList: true, subtree: true });
route().then(() => {
  document.body.dataset.ready = "1";
  // "tide:painted" (a performance mark): the task after the frame that drew the first page, which
  // scripts/ui_screenshots.ts reads as the cold start's end. The chart library is fetched only
  // then: running it costs a noticeable part of a cold start, and the first page has no chart.
  requestAnimationFrame(() => setTimeout(() => {
    performance.mark("tide:painted");
    loadUplot();
  }));
});

// ---- Frames -----------------------------------------------------------------------------------

async function framesPage() {
  const { frames } = await api("GET", "/3/Frames");
  main.innerHTML = `<h1>Frames</h1>
  <section class="card"><h2>Import</h2>
    <form id="import-path" class="row"><label>File or folder on the server<input type="text" name="path" required size="40" placeholder="data/iris.csv"></label><button>Import</button></form>
    <form id="import-upload" class="row"><label>Upload a file from this computer<input type="file" name="file" required></label><button>Upload</button></form>
    <progress id="import-progress" max="1" value="0" hidden aria-label="Import progress"></progress><p id="import-status" class="muted" role="status"></p>
  </section>
  <section class="card"><h2>${frames.length} frame${frames.length === 1 ? "" : "s"}</h2>
    ${frames.length ? `<div class="scroll"><table id="frames"><thead><tr><th class="l">key</th><th>rows</th><th>columns</th><th></th></tr></thead><tbody>${frames.map((f) =>
      `<tr><td class="l"><a href="#/frame/${enc(f.frame_id.name)}">${esc(f.frame_id.name)}</a></td><td>${f.rows}</td><td>${f.columns}</td>
      <td><a href="#/build/${enc(f.frame_id.name)}">build a model</a> · <button class="danger" data-del="${esc(f.frame_id.name)}" aria-label="Delete ${esc(f.frame_id.name)}">Delete</button></td></tr>`).join("")}</tbody></table></div>` : `<p class="muted">No frames yet: import one above.</p>`}
  </section>`;
  const bar = document.getElementById("import-progress"), status = document.getElementById("import-status");
  const parse = async (source) => {
    status.textContent = "Parsing…";
    const setup = await api("POST", "/3/ParseSetup", { source_frames: list([source]) });
    const r = await api("POST", "/3/Parse", { source_frames: list([source]), destination_frame: setup.destination_frame, check_header: setup.check_header });
    await waitJob(r.job.key.name, (j) => (bar.value = 0.5 + j.progress / 2));
    location.hash = `#/frame/${enc(setup.destination_frame)}`;
  };
  document.getElementById("import-path").onsubmit = async (e) => {
    e.preventDefault();
    bar.hidden = false;
    bar.value = 0.1;
    try {
      const r = await api("POST", "/3/ImportFilesMulti", { paths: list([e.target.path.value]) });
      if (r.fails.length) throw new Error(r.fails.join("; "));
      await parse(r.destination_frames[0]);
    } catch (err) {
      status.innerHTML = `<span class="error">${esc(err.message)}</span>`;
    }
  };
  document.getElementById("import-upload").onsubmit = (e) => {
    e.preventDefault();
    const file = e.target.file.files[0];
    bar.hidden = false;
    // XMLHttpRequest, not fetch: only it reports upload progress.
    const xhr = new XMLHttpRequest();
    xhr.open("POST", `/3/PostFile?destination_frame=${enc(file.name.replace(/[^\w.-]/g, "_"))}`);
    xhr.upload.onprogress = (p) => {
      bar.value = p.lengthComputable ? (p.loaded / p.total) / 2 : 0.25;
      status.textContent = `Uploading ${(p.loaded / 1048576).toFixed(1)} MiB…`;
    };
    xhr.onload = () => {
      const body = JSON.parse(xhr.responseText || "{}");
      if (xhr.status !== 200) return (status.innerHTML = `<span class="error">${esc(body.msg ?? xhr.status)}</span>`);
      parse(body.destination_frame).catch((err) => (status.innerHTML = `<span class="error">${esc(err.message)}</span>`));
    };
    xhr.send(file);
  };
  main.querySelectorAll("[data-del]").forEach((b) => (b.onclick = async () => {
    if (!confirm(`Delete frame ${b.dataset.del}?`)) return;
    try {
      await api("DELETE", `/3/DKV/${enc(b.dataset.del)}`);
      route();
    } catch (err) {
      toast(err.message);
    }
  }));
}

async function framePage(id) {
  const f = (await api("GET", `/3/Frames/${enc(id)}/summary`)).frames[0];
  const cols = f.columns;
  const typeName = (c) => (c.type === "enum" ? "factor" : c.type === "int" || c.type === "real" ? "numeric" : c.type);
  main.innerHTML = `<h1>Frame ${esc(id)}</h1>
  <p class="muted">${f.rows} rows × ${f.num_columns} columns · <a href="#/build/${enc(id)}">Build a model on it</a> · <a href="/3/DownloadDataset?frame_id=${enc(id)}" download="${esc(id)}.csv">Download CSV</a></p>
  <section class="card"><h2>Columns</h2><div class="scroll"><table id="columns"><thead><tr><th class="l">column</th><th class="l">type</th><th>min</th><th>max</th><th>mean</th><th>sd</th><th>missing</th><th>cardinality</th><th class="l">distribution</th><th></th></tr></thead><tbody>
  ${cols.map((c, j) => `<tr><td class="l">${esc(c.label)}</td><td class="l">${typeName(c)}</td>
    <td>${c.type === "enum" ? "" : num(c.mins[0])}</td><td>${c.type === "enum" ? "" : num(c.maxs[0])}</td><td>${c.type === "enum" ? "" : num(c.mean)}</td><td>${c.type === "enum" ? "" : num(c.sigma)}</td>
    <td>${c.missing_count}</td><td>${c.type === "enum" ? c.domain_cardinality : ""}</td><td class="l">${miniHistogram(c)}</td>
    <td>${c.type === "enum" ? "" : `<button class="secondary" data-factor="${j}" aria-label="Convert ${esc(c.label)} to a factor">as factor</button>`}</td></tr>`).join("")}
  </tbody></table></div></section>
  <section class="card"><h2>First rows</h2><div class="scroll"><table id="head"><thead><tr>${cols.map((c) => `<th>${esc(c.label)}</th>`).join("")}</tr></thead><tbody>
  ${Array.from({ length: Math.min(10, f.rows) }, (_, i) => `<tr>${cols.map((c) => `<td>${c.type === "enum" ? esc(c.domain[c.data[i]] ?? "") : c.type === "string" ? esc(c.string_data[i]) : num(c.data[i])}</td>`).join("")}</tr>`).join("")}
  </tbody></table></div></section>
  <section class="card"><h2>Split</h2>
    <form id="split" class="row"><label>Ratios (the last part takes the rest)<input type="text" name="ratios" value="0.75" required pattern="[0-9., ]+"></label>
    <label>Seed<input type="number" name="seed" value="42"></label><button>Split</button></form><p id="split-status" class="muted" role="status"></p>
  </section>`;
  main.querySelectorAll("[data-factor]").forEach((b) => (b.onclick = async () => {
    const j = Number(b.dataset.factor);
    await api("POST", "/99/Rapids", { ast: `(assign ${id} (:= ${id} (as.factor (cols_py ${id} ${j})) ${j} []))` }).then(route, (e) => toast(e.message));
  }));
  document.getElementById("split").onsubmit = async (e) => {
    e.preventDefault();
    const st = document.getElementById("split-status");
    const ratios = e.target.ratios.value.split(",").map(Number);
    if (ratios.some((r) => !(r > 0)) || ratios.reduce((a, b) => a + b, 0) >= 1) return (st.innerHTML = `<span class="error">Ratios must be positive and add up to less than 1 (the last part takes the rest)</span>`);
    const seed = Number(e.target.seed.value), tmp = `${id}_runif`, bounds = [0];
    for (const r of ratios) bounds.push(bounds.at(-1) + r);
    bounds.push(1);
    try {
      await api("POST", "/99/Rapids", { ast: `(tmp= ${tmp} (h2o.runif ${id} ${seed}))` });
      const made = [];
      for (let k = 0; k + 1 < bounds.length; k++) {
        const dest = `${id}_part${k}`;
        const lo = bounds[k], hi = bounds[k + 1];
        const mask = k === 0 ? `(<= ${tmp} ${hi})` : k === bounds.length - 2 ? `(> ${tmp} ${lo})` : `(& (> ${tmp} ${lo}) (<= ${tmp} ${hi}))`;
        const r = await api("POST", "/99/Rapids", { ast: `(assign ${dest} (rows ${id} ${mask}))` });
        made.push(`<a href="#/frame/${enc(dest)}">${esc(dest)}</a> (${r.num_rows} rows)`);
      }
      await api("POST", "/99/Rapids", { ast: `(rm ${tmp})` });
      st.innerHTML = `Made ${made.join(", ")}`;
    } catch (err) {
      st.innerHTML = `<span class="error">${esc(err.message)}</span>`;
    }
  };
}

// ---- Build a model ----------------------------------------------------------------------------

/** Fields the page asks for itself (frames and columns), not in the generated form. */
const OWN_FIELDS = new Set(["training_frame", "validation_frame", "response_column", "ignored_columns"]);
const LEVELS = [["critical", "Main parameters", true], ["secondary", "Secondary", false], ["expert", "Expert", false]];

async function buildPage(frameId) {
  const [{ frames }, builders] = await Promise.all([api("GET", "/3/Frames"), api("GET", "/3/ModelBuilders/deeplearning")]);
  const params = builders.model_builders.deeplearning.parameters.filter((p) => !OWN_FIELDS.has(p.name));
  const train = frameId || frames[0]?.frame_id.name;
  const fr = train ? (await api("GET", `/3/Frames/${enc(train)}?row_count=0`)).frames[0] : null;
  const names = fr ? fr.columns.map((c) => c.label) : [];
  const frameOptions = (sel, none) => (none ? `<option value="">(none)</option>` : "") + frames.map((f) => `<option ${f.frame_id.name === sel ? "selected" : ""}>${esc(f.frame_id.name)}</option>`).join("");
  main.innerHTML = `<h1>Build a Deep Learning model</h1>
  ${frames.length ? "" : `<p class="error">Import a frame first (<a href="#/frames">Frames</a>).</p>`}
  <form id="build" novalidate>
  <section class="card"><h2>Data</h2>
    <div class="row"><label>Training frame<select name="training_frame" id="f-training_frame">${frameOptions(train)}</select></label>
    <label>Validation frame<select name="validation_frame">${frameOptions("", true)}</select></label>
    <label>Response column<select name="response_column" id="f-response_column">${names.map((n, i) => `<option ${i === names.length - 1 ? "selected" : ""}>${esc(n)}</option>`).join("")}</select></label></div>
    <p class="muted" id="ae-note" hidden>An autoencoder has no response column: it learns to reconstruct the columns that are not ignored.</p>
    <p class="error" data-error="training_frame"></p><p class="error" data-error="response_column"></p>
    <fieldset><legend>Ignored columns</legend><div class="row">${names.map((n) => `<label style="flex-direction:row;gap:.3rem"><input type="checkbox" name="ignored" value="${esc(n)}">${esc(n)}</label>`).join("")}</div></fieldset>
  </section>
  <section class="card"><h2>Parameters</h2><p class="muted">Defaults are filled in. For a grid search, tick “grid” beside a parameter and give several values separated by <code>;</code> (e.g. hidden <code>10,10; 50</code>).</p>
  ${LEVELS.map(([level, title, open]) => `<details ${open ? "open" : ""} data-level="${level}"><summary>${title}</summary>${params.filter((p) => p.level === level).map(fieldHtml).join("")}</details>`).join("")}
  </section>
  <div class="row"><button id="train">Train</button><span id="build-status" class="muted" role="status"></span></div>
  </form>`;
  document.getElementById("f-training_frame").onchange = (e) => (location.hash = `#/build/${enc(e.target.value)}`);
  const form = document.getElementById("build");
  // An autoencoder (h2o-py's H2OAutoEncoderEstimator) is trained without a response column.
  const ae = form.elements["p-autoencoder"], isAe = () => ae?.checked === true;
  if (ae) ae.addEventListener("change", () => {
    form.response_column.disabled = isAe();
    document.getElementById("ae-note").hidden = !isAe();
  });
  form.onsubmit = async (e) => {
    e.preventDefault();
    form.querySelectorAll("[data-error]").forEach((p) => (p.textContent = ""));
    form.querySelectorAll(".field.invalid").forEach((p) => p.classList.remove("invalid"));
    const body = { training_frame: form.training_frame.value, response_column: isAe() ? undefined : form.response_column.value, ignored_columns: list([...form.querySelectorAll("[name=ignored]:checked")].map((c) => c.value)) };
    if (form.validation_frame.value) body.validation_frame = form.validation_frame.value;
    const hyper = {};
    for (const p of params) {
      const input = form.elements[`p-${p.name}`];
      if (!input) continue;
      const raw = input.type === "checkbox" ? String(input.checked) : input.value.trim();
      if (form.elements[`g-${p.name}`]?.checked) hyper[p.name] = raw.split(";").map((v) => wireValue(p, v.trim())).filter((v) => v !== "");
      else if (raw !== defaultText(p)) body[p.name] = wireValue(p, raw);
    }
    const status = document.getElementById("build-status");
    try {
      const grid = Object.keys(hyper).length > 0;
      const r = grid
        ? await api("POST", "/99/Grid/deeplearning", { ...body, hyper_parameters: `{${Object.entries(hyper).map(([k, vs]) => `"${k}": [${vs.join(", ")}]`).join(", ")}}` })
        : await api("POST", "/3/ModelBuilders/deeplearning", body);
      location.hash = `#/job/${enc(r.job.key.name)}`;
    } catch (err) {
      const msgs = (err.body?.messages ?? []).filter((m) => m.message_type === "ERRR" || m.message_type === "ERROR");
      for (const m of msgs) {
        const field = form.querySelector(`[data-error="${m.field_name}"]`) ?? form.querySelector(`[data-error="${m.field_name.replace(/^hyper_parameters\.?/, "")}"]`);
        if (field) {
          field.textContent = m.message;
          field.closest(".field")?.classList.add("invalid");
          field.closest("details")?.setAttribute("open", "");
        }
      }
      status.innerHTML = `<span class="error">${esc(msgs.length ? `${msgs.length} field${msgs.length > 1 ? "s" : ""} to fix (marked below each)` : err.message)}</span>`;
      form.querySelector(".field.invalid input, .field.invalid select")?.focus();
    }
  };
}
function defaultText(p) {
  const d = p.default_value;
  return Array.isArray(d) ? d.join(",") : d === null || d === undefined ? "" : String(d);
}
/** A form value as the wire wants it: arrays in brackets, text as is. */
function wireValue(p, raw) {
  if (raw === "") return "";
  return p.type.endsWith("[]") ? `[${raw.replace(/^\[|\]$/g, "")}]` : raw;
}
function fieldHtml(p) {
  const id = `p-${p.name}`, d = defaultText(p);
  const control = p.type === "boolean"
    ? `<input type="checkbox" id="${id}" name="${id}" ${p.default_value ? "checked" : ""}>`
    : p.values?.length
    ? `<select id="${id}" name="${id}">${p.values.map((v) => `<option ${String(v) === d ? "selected" : ""}>${esc(v)}</option>`).join("")}</select>`
    : `<input type="text" id="${id}" name="${id}" value="${esc(d)}" inputmode="${/int|double|float|long/.test(p.type) && !p.type.endsWith("[]") ? "decimal" : "text"}">`;
  return `<div class="field" data-field="${p.name}"><label for="${id}"><code>${esc(p.name)}</code> <span class="muted">${esc(p.type)}</span></label>
    <div class="control">${control}${p.gridable && p.type !== "boolean" ? ` <label class="grid"><input type="checkbox" name="g-${p.name}"> grid</label>` : ""}<div class="error" data-error="${p.name}"></div></div>
    <div class="help">${esc(p.help)}${d !== "" ? ` <span class="muted">(default ${esc(d)})</span>` : ""}</div></div>`;
}

// ---- Jobs -------------------------------------------------------------------------------------

async function jobsPage() {
  const { jobs } = await api("GET", "/3/Jobs");
  main.innerHTML = `<h1>Jobs</h1><section class="card">${jobs.length ? `<div class="scroll"><table id="jobs"><thead><tr><th class="l">job</th><th class="l">result</th><th class="l">status</th><th>progress</th><th class="l">what</th></tr></thead><tbody>
  ${jobs.slice().reverse().map((j) => `<tr><td class="l"><a href="#/job/${enc(j.key.name)}">${esc(j.key.name)}</a></td><td class="l">${resultLink(j)}</td><td class="l">${j.status}</td><td>${Math.round(j.progress * 100)}%</td>
  <td class="l">${esc(j.description)}</td></tr>`).join("")}
  </tbody></table></div>` : `<p class="muted">No jobs yet.</p>`}</section>`;
  const timer = setInterval(() => location.hash === "#/jobs" && api("GET", "/3/Jobs").then((r) => r.jobs.some((j) => j.status === "RUNNING") && route()), 2000);
  cleanups.push(() => clearInterval(timer));
}

/** A link to what a job made, once there is something to open. */
function resultLink(j) {
  const d = j.dest, ok = j.status === "DONE" || (j.status === "CANCELLED" && d.type !== "Key<Frame>");
  if (!ok) return esc(d.name);
  const href = d.type === "Key<Frame>" ? `#/frame/${enc(d.name)}` : d.type === "Key<Grid>" ? `#/compare/grid:${enc(d.name)}` : `#/model/${enc(d.name)}`;
  return `<a href="${href}">${esc(d.name)}</a>`;
}

async function jobPage(id) {
  main.innerHTML = `<h1>Job ${esc(id)}</h1>
  <section class="card"><progress id="job-progress" max="1" value="0" aria-label="Progress"></progress>
  <div class="row"><span id="job-status" role="status"></span><button id="cancel" class="danger">Cancel</button></div>
  <div class="kv" id="job-stats"></div><p id="job-result"></p></section>
  <section class="card"><h2 id="chart-title">Scoring history</h2><div class="charts"><div id="chart-box-loss"></div><div id="chart-box-err"></div></div></section>`;
  const scores = [];
  const charts = historyCharts(document.getElementById("chart-box-loss"), document.getElementById("chart-box-err"));
  let job = null, drawn = 0, frame = 0;
  document.getElementById("cancel").onclick = () => api("POST", `/3/Jobs/${enc(id)}/cancel`).catch((e) => toast(e.message));
  const stats = (e) => {
    const s = e.lastScore ?? scores.at(-1)?.row ?? {};
    const cells = [["epoch", `${num(e.epochs, 3)} of ${e.targetEpochs}`], ["samples/s", Math.round(e.samplesPerSecond)], ["ETA", `${Math.round(e.etaSeconds)} s`]];
    for (const [k, v] of Object.entries(s)) if (/^(training|validation)_/.test(k)) cells.push([k.replace(/_/g, " "), num(v)]);
    document.getElementById("job-stats").innerHTML = cells.map(([k, v]) => `<span class="muted">${esc(k)}</span><span>${v}</span>`).join("");
  };
  // At most one redraw a frame, however fast the scores arrive.
  const redraw = () => (frame ||= requestAnimationFrame(() => {
    frame = 0;
    if (scores.length === drawn) return;
    drawn = scores.length;
    charts.update(scores.map((s) => s.row));
  }));
  cleanups.push(() => cancelAnimationFrame(frame));
  const es = new EventSource(`/ui/jobs/${enc(id)}/events`);
  cleanups.push(() => es.close());
  es.addEventListener("job", (m) => {
    job = JSON.parse(m.data);
    document.getElementById("job-progress").value = job.progress;
    document.getElementById("job-status").textContent = `${job.description}: ${job.status} · ${Math.round(job.progress * 100)}% · ${job.progress_msg ?? ""}`;
    document.getElementById("cancel").hidden = job.status !== "RUNNING";
  });
  es.addEventListener("score", (m) => {
    scores.push(JSON.parse(m.data));
    redraw();
  });
  es.addEventListener("progress", (m) => stats(JSON.parse(m.data)));
  // A new cross-validation fold or grid model: the chart starts empty at once (not when the new
  // model's first score comes), titled by which model it is.
  for (const kind of ["model", "grid_model"]) es.addEventListener(kind, (m) => {
    const e = JSON.parse(m.data);
    scores.length = 0;
    drawn = 0;
    const which = kind === "grid_model" ? `grid model ${e.index}${e.count ? ` of ${e.count}` : ""} (${e.modelId})` : e.role === "main" ? `the main model (${e.modelId})` : `fold ${e.index} of ${e.count} (${e.modelId})`;
    const title = document.getElementById("chart-title");
    title.textContent = `Scoring history of ${which}`;
    title.dataset.model = e.modelId;
    charts.reset(`Waiting for the first score of ${which}.`);
  });
  es.addEventListener("end", () => {
    es.close();
    const res = document.getElementById("job-result");
    if (!job) return;
    const last = scores.at(-1)?.row;
    if (last && !document.getElementById("job-stats").textContent) stats({ epochs: last.epochs, targetEpochs: last.epochs, samplesPerSecond: Number(String(last.training_speed ?? "0").replace(/\D+$/, "")) || 0, etaSeconds: 0, lastScore: last });
    if (job.exception) res.innerHTML = `<span class="error">${esc(job.exception)}</span>`;
    const d = job.dest;
    if (d.type === "Key<Model>" && job.status !== "FAILED") res.innerHTML += ` <a href="#/model/${enc(d.name)}" id="open-model">Open model ${esc(d.name)}</a>`;
    else if (d.type === "Key<Grid>") res.innerHTML += ` <a href="#/compare/grid:${enc(d.name)}" id="open-grid">Compare the grid's models</a>`;
    else if (d.type === "Key<Frame>") res.innerHTML += ` <a href="#/frame/${enc(d.name)}">Open frame ${esc(d.name)}</a>`;
  });
  es.onerror = () => job && job.status !== "RUNNING" && es.close();
}

// ---- Models -----------------------------------------------------------------------------------

async function modelsPage() {
  const { models } = await api("GET", "/3/Models");
  main.innerHTML = `<h1>Models</h1><section class="card">${models.length ? `<form id="compare"><div class="scroll"><table id="models"><thead><tr><th>compare</th><th class="l">model</th><th class="l">category</th><th class="l">frame</th><th>training metric</th><th>validation metric</th></tr></thead><tbody>
  ${models.map((m) => {
    const o = m.output, tm = o.training_metrics, vm = o.validation_metrics, key = tm?.logloss !== undefined && o.model_category !== "Regression" ? "logloss" : "RMSE";
    return `<tr><td><input type="checkbox" name="m" value="${esc(m.model_id.name)}" aria-label="Compare ${esc(m.model_id.name)}"></td><td class="l"><a href="#/model/${enc(m.model_id.name)}">${esc(m.model_id.name)}</a></td><td class="l">${o.model_category}</td><td class="l">${esc(m.data_frame?.name)}</td>
    <td>${key} ${num(tm?.[key])}</td><td>${vm ? `${key} ${num(vm[key])}` : ""}</td></tr>`;
  }).join("")}</tbody></table></div><div class="row"><button>Compare selected</button></div></form>` : `<p class="muted">No models yet: <a href="#/build">build one</a>.</p>`}</section>`;
  const f = document.getElementById("compare");
  if (f) f.onsubmit = (e) => {
    e.preventDefault();
    const ids = [...f.querySelectorAll("[name=m]:checked")].map((c) => c.value);
    if (ids.length < 2) return toast("Tick two or more models to compare");
    location.hash = `#/compare/${ids.map(enc).join(",")}`;
  };
}

async function modelPage(id) {
  const m = (await api("GET", `/3/Models/${enc(id)}`)).models[0];
  const o = m.output;
  const { frames } = await api("GET", "/3/Frames");
  // What the user set (input_value), not what the server resolved for them (backend auto → simd,
  // nthreads -1 → 2); a model without its inputs (loaded from a file) falls back to actual values.
  const given = m.parameters.some((p) => p.input_value !== null && p.input_value !== undefined);
  const differs = (v, p) => JSON.stringify(v) !== JSON.stringify(p.default_value);
  const changed = m.parameters.filter((p) => (given ? p.input_value !== null && p.input_value !== undefined && differs(p.input_value, p) : differs(p.actual_value, p)));
  const metricSets = [["Training", o.training_metrics], ["Validation", o.validation_metrics], ["Cross-validation", o.cross_validation_metrics]].filter(([, x]) => x);
  main.innerHTML = `<h1>Model ${esc(id)}</h1>
  <p class="muted">${o.model_category}${m.response_column_name ? ` · response ${esc(m.response_column_name)}` : ""} · trained on <a href="#/frame/${enc(m.data_frame?.name)}">${esc(m.data_frame?.name)}</a> in ${(o.run_time / 1000).toFixed(1)} s · status ${esc(o.training_status)} · <a id="download-model" href="/3/Models.fetch.bin/${enc(id)}" download="${esc(id)}">Download the model file</a> · Standalone scorer: <button type="button" id="export-js" data-format="js">JavaScript module</button> <button type="button" id="export-onnx" data-format="onnx">ONNX</button> <span id="export-msg" role="status"></span></p>
  <section class="card"><h2>Metrics</h2><div class="scroll">${metricsTable(metricSets)}</div>
  ${metricSets.map(([name, x]) => (x.cm ? `<h3>Confusion matrix (${name.toLowerCase()})</h3>${confusionHtml(x.cm.table, name === "Training" ? "cm" : "")}` : "")).join("")}</section>
  <section class="card"><h2>Charts</h2><div class="charts"><div id="chart-box-loss"></div><div id="chart-box-err"></div><div id="chart-box-varimp"></div><div id="chart-box-roc"></div></div></section>
  <section class="card"><h2>Predict on a frame</h2><form id="predict" class="row"><label>Frame<select name="frame">${frames.map((f) => `<option ${f.frame_id.name === m.data_frame?.name ? "selected" : ""}>${esc(f.frame_id.name)}</option>`).join("")}</select></label><button>Predict</button></form><div id="predictions"></div></section>
  ${o.model_category === "AutoEncoder" ? `<section class="card"><h2>Reconstruction error</h2><form id="anomaly" class="row"><label>Frame<select name="frame">${frames.map((f) => `<option ${f.frame_id.name === m.data_frame?.name ? "selected" : ""}>${esc(f.frame_id.name)}</option>`).join("")}</select></label><button>Compute</button></form><div id="anomaly-out"></div></section>` : ""}
  <section class="card"><h2>Layers</h2>${tableHtml(o.model_summary, { blankNaN: true })}</section>
  <section class="card"><h2>Parameters</h2><h3>Set differently from the default</h3>${paramList(changed, changed)}
  <details><summary>All ${m.parameters.length} parameters</summary>${paramList(m.parameters.filter((p) => p.actual_value !== null && p.actual_value !== undefined), changed)}</details></section>`;
  historyCharts(document.getElementById("chart-box-loss"), document.getElementById("chart-box-err")).update(rows2d(o.scoring_history));
  if (o.variable_importances) {
    const vi = rows2d(o.variable_importances).slice(0, 20);
    document.getElementById("chart-box-varimp").innerHTML = `<h3>Variable importances (top ${vi.length})</h3>` + barChart(vi.map((r) => [r.variable, r.scaled_importance]), "varimp", "scaled importance");
  }
  const thr = o.validation_metrics?.thresholds_and_metric_scores ?? o.training_metrics?.thresholds_and_metric_scores;
  if (thr) {
    // Sorted by false positive rate, then true positive rate: equal rates make the curve's vertical steps.
    const r = rows2d(thr).sort((a, b) => a.fpr - b.fpr || a.tpr - b.tpr), xs = [0, ...r.map((x) => x.fpr), 1];
    const auc = (o.validation_metrics ?? o.training_metrics).AUC;
    lineChart(document.getElementById("chart-box-roc"), { title: `ROC (${o.validation_metrics ? "validation" : "training"}${typeof auc === "number" ? `, AUC ${num(auc)}` : ""})`, xLabel: "false positive rate", yLabel: "true positive rate", id: "roc" })
      .update([{ name: "ROC", xs, ys: [0, ...r.map((x) => x.tpr), 1] }, { name: "chance", xs, ys: xs, dash: true, color: "#999" }]);
  }
  for (const b of document.querySelectorAll("#export-js, #export-onnx")) b.onclick = () => exportModel(id, b.dataset.format);
  const anomaly = document.getElementById("anomaly");
  if (anomaly) anomaly.onsubmit = (e) => (e.preventDefault(), anomalyReport(id, e.target.frame.value));
  document.getElementById("predict").onsubmit = async (e) => {
    e.preventDefault();
    const out = document.getElementById("predictions");
    const frame = e.target.frame.value, dest = `${id}_predictions_${frame}`.replace(/[^\w.-]/g, "_");
    out.innerHTML = `<p class="muted">Predicting…</p>`;
    try {
      await api("POST", `/3/Predictions/models/${enc(id)}/frames/${enc(frame)}`, { predictions_frame: dest });
      const p = (await api("GET", `/3/Frames/${enc(dest)}?row_count=20`)).frames[0];
      out.innerHTML = `<p><a id="download-predictions" href="/3/DownloadDataset?frame_id=${enc(dest)}" download="${esc(dest)}.csv">Download ${esc(dest)}.csv</a> · ${p.rows} rows (first 20 below)</p><div class="scroll"><table id="prediction-rows"><thead><tr>${p.columns.map((c) => `<th>${esc(c.label)}</th>`).join("")}</tr></thead><tbody>` +
        Array.from({ length: Math.min(20, p.rows) }, (_, i) => `<tr>${p.columns.map((c) => `<td>${c.type === "enum" ? esc(c.domain[c.data[i]]) : num(c.data[i])}</td>`).join("")}</tr>`).join("") + "</tbody></table></div>";
    } catch (err) {
      out.innerHTML = `<p class="error">${esc(err.message)}</p>`;
    }
  };
}

/** Downloads the standalone scorer (GET /3/Models/{id}/export); a refusal shows the server's reason. */
async function exportModel(id, format) {
  const msg = document.getElementById("export-msg");
  msg.className = "muted";
  msg.textContent = "Exporting…";
  const res = await fetch(`/3/Models/${enc(id)}/export?format=${format}`);
  if (!res.ok) {
    const body = await res.json().catch(() => ({}));
    msg.className = "error";
    msg.textContent = body.msg || `HTTP ${res.status}`;
    return;
  }
  const a = document.createElement("a");
  a.href = URL.createObjectURL(await res.blob());
  a.download = res.headers.get("content-disposition")?.match(/filename="(.*)"/)?.[1] ?? `${id}.${format}`;
  a.click();
  setTimeout(() => URL.revokeObjectURL(a.href), 1000);
  msg.textContent = `Downloaded ${a.download}`;
}
/** An autoencoder's reconstruction error on a frame (h2o-py's model.anomaly(frame)): its histogram and the worst rows. */
async function anomalyReport(id, frame) {
  const out = document.getElementById("anomaly-out");
  const dest = `${id}_reconstruction_error_${frame}`.replace(/[^\w.-]/g, "_");
  out.innerHTML = `<p class="muted">Scoring…</p>`;
  try {
    await api("POST", `/3/Predictions/models/${enc(id)}/frames/${enc(frame)}`, { reconstruction_error: "True", predictions_frame: dest });
    const err = Array.from((await api("GET", `/3/Frames/${enc(dest)}?row_count=-1`)).frames[0].columns[0].data, Number);
    const worst = err.map((e, i) => [e, i]).filter(([e]) => Number.isFinite(e)).sort((a, b) => b[0] - a[0]).slice(0, WORST_ROWS);
    const rows = await Promise.all(worst.map(([, i]) => api("GET", `/3/Frames/${enc(frame)}?row_offset=${i}&row_count=1`).then((r) => r.frames[0].columns)));
    const cols = rows[0] ?? [];
    const cell = (c) => `<td>${c.type === "enum" ? esc(c.domain[c.data[0]]) : c.type === "string" ? esc(c.string_data?.[0]) : num(c.data[0])}</td>`;
    out.innerHTML = `<p><a href="/3/DownloadDataset?frame_id=${enc(dest)}" download="${esc(dest)}.csv">Download ${esc(dest)}.csv</a> · ${err.length} rows, mean ${num(err.filter(Number.isFinite).reduce((a, b) => a + b, 0) / err.filter(Number.isFinite).length)}, max ${num(worst[0]?.[0])}</p>
      <div class="charts"><div id="chart-box-anomaly"></div></div>
      <h3>The ${worst.length} worst-reconstructed rows</h3><div class="scroll"><table id="worst-rows"><thead><tr><th>row</th><th>Reconstruction.MSE</th>${cols.map((c) => `<th>${esc(c.label)}</th>`).join("")}</tr></thead><tbody>` +
      worst.map(([e, i], k) => `<tr><td>${i + 1}</td><td>${num(e)}</td>${rows[k].map(cell).join("")}</tr>`).join("") + "</tbody></table></div>";
    histChart(document.getElementById("chart-box-anomaly"), err, { title: "Distribution of Reconstruction.MSE", xLabel: "reconstruction error", id: "anomaly" });
  } catch (e) {
    out.innerHTML = `<p class="error">${esc(e.message)}</p>`;
  }
}
const WORST_ROWS = 10;

/** Parameters as name/value pairs; those in `changed` in bold with their default. */
function paramList(params, changed) {
  return `<div class="kv">${params.map((p) => {
    const c = changed.includes(p) ? "changed" : "";
    return `<span class="${c}">${esc(p.name)}</span><span class="${c}">${show(p.actual_value)}${c ? ` <span class="muted">(default ${show(p.default_value)})</span>` : ""}</span>`;
  }).join("")}</div>`;
}

const METRICS = ["MSE", "RMSE", "logloss", "mean_per_class_error", "AUC", "pr_auc", "r2", "nobs"];
function metricsTable(sets) {
  const keys = METRICS.filter((k) => sets.some(([, x]) => typeof x[k] === "number" && !Number.isNaN(x[k])));
  return `<table class="metrics"><thead><tr><th class="l"></th>${keys.map((k) => `<th>${k}</th>`).join("")}</tr></thead><tbody>${sets.map(([name, x]) => `<tr><th class="l">${esc(name)}</th>${keys.map((k) => `<td>${num(x[k])}</td>`).join("")}</tr>`).join("")}</tbody></table>`;
}
/** The confusion matrix with each count shaded by its share of its row. */
function confusionHtml(t, id) {
  const rows = rows2d(t), cols = t.columns.map((c) => c.name), labels = cols.slice(0, cols.length - 2);
  return `<div class="scroll"><table ${id ? `id="${id}"` : ""}><thead><tr><th class="l">actual \\ predicted</th>${cols.map((c) => `<th>${esc(c)}</th>`).join("")}</tr></thead><tbody>${rows.map((r, i) => {
    const total = labels.reduce((a, l) => a + (r[l] ?? 0), 0) || 1;
    const isTotal = i === rows.length - 1;
    return `<tr><th class="l">${isTotal ? "Totals" : esc(labels[i] ?? "")}</th>${cols.map((c, j) => {
      const v = r[c], shade = !isTotal && j < labels.length ? (v / total) : 0;
      const diag = j === i;
      return `<td ${j < labels.length && !isTotal ? 'data-cell="1"' : ""} style="background:${shade ? (diag ? `rgba(47,158,68,${shade})` : `rgba(198,40,40,${Math.min(1, shade * 2)})`) : "transparent"}">${num(v)}</td>`;
    }).join("")}</tr>`;
  }).join("")}</tbody></table></div>`;
}

async function comparePage(spec) {
  let ids = spec.split(",");
  if (spec.startsWith("grid:")) {
    const g = await api("GET", `/99/Grids/${enc(spec.slice(5))}`);
    ids = g.model_ids.map((k) => k.name);
  }
  const models = await Promise.all(ids.map((i) => api("GET", `/3/Models/${enc(i)}`).then((r) => r.models[0])));
  const changed = new Set();
  for (const m of models) for (const p of m.parameters) if (JSON.stringify(p.actual_value) !== JSON.stringify(models[0].parameters.find((q) => q.name === p.name)?.actual_value)) changed.add(p.name);
  const rows = [];
  for (const m of models) {
    const o = m.output;
    for (const [name, x] of [["training", o.training_metrics], ["validation", o.validation_metrics], ["cross-validation", o.cross_validation_metrics]]) if (x) rows.push([`${m.model_id.name} (${name})`, x]);
  }
  main.innerHTML = `<h1>Compare ${models.length} models</h1>
  <section class="card"><h2>Metrics</h2><div class="scroll" id="compare-metrics">${metricsTable(rows)}</div></section>
  <section class="card"><h2>Parameters that differ</h2><div class="scroll"><table><thead><tr><th class="l">parameter</th>${models.map((m) => `<th><a href="#/model/${enc(m.model_id.name)}">${esc(m.model_id.name)}</a></th>`).join("")}</tr></thead><tbody>
  ${[...changed].map((n) => `<tr><td class="l">${esc(n)}</td>${models.map((m) => `<td>${show(m.parameters.find((p) => p.name === n)?.actual_value)}</td>`).join("")}</tr>`).join("") || `<tr><td class="l" colspan="${models.length + 1}">none</td></tr>`}
  </tbody></table></div></section>
  <section class="card"><h2>Scoring histories</h2><div class="charts wide"><div id="chart-box-compare"></div></div></section>`;
  const series = [];
  models.forEach((m, mi) => {
    const h = rows2d(m.output.scoring_history), key = lossKey(h);
    if (!key) return;
    for (const part of ["training", "validation"]) if (h.some((r) => typeof r[`${part}_${key}`] === "number")) series.push({ name: `${m.model_id.name} ${part}`, xs: h.map((r) => r.epochs), ys: h.map((r) => r[`${part}_${key}`]), dash: part === "validation", color: COLORS[mi % COLORS.length] });
  });
  const key = lossKey(rows2d(models[0].output.scoring_history)) ?? "";
  if (series.length) lineChart(document.getElementById("chart-box-compare"), { title: `${key} by epoch${series.some((x) => x.dash) ? " (training solid, validation dashed)" : ""}`, xLabel: "epochs", yLabel: key, id: "compare" }).update(series);
  else document.getElementById("chart-box-compare").innerHTML = `<p class="muted">No scoring history to show.</p>`;
}

// ---- Charts: uPlot for lines and the error histogram, SVG for the small bar charts -------------

let uplotLoading = null;
/** uPlot (its global `uPlot`), loaded once by a script tag: resolves when it can draw. */
function loadUplot() {
  return (uplotLoading ??= new Promise((ok, fail) => {
    const tag = Object.assign(document.createElement("script"), { src: "/ui/uPlot.iife.min.js" });
    tag.onload = () => ok(window.uPlot);
    tag.onerror = () => fail(new Error("Cannot load the chart library /ui/uPlot.iife.min.js"));
    document.head.append(tag);
  }));
}

/** Height of a uPlot chart's plot area in CSS pixels; its width follows its container. */
const CHART_H = 220;
const finite = (v) => (typeof v === "number" && Number.isFinite(v) ? v : null);

/** The loss shown for a history: logloss for classifiers, deviance or rmse otherwise. */
function lossKey(rows) {
  const r = rows[0] ?? {};
  return ["logloss", "deviance", "rmse", "mse"].find((k) => `training_${k}` in r || `validation_${k}` in r);
}
/**
 * The scoring history's two charts (the loss, and the classification error for classifiers) in
 * `lossEl` and `errEl`; `update(rows)` redraws them with the rows so far, so a job's charts grow.
 */
function historyCharts(lossEl, errEl) {
  let loss = null, err = null;
  const series = (rows, k) => ["training", "validation"].filter((p) => rows.some((r) => typeof r[`${p}_${k}`] === "number"))
    .map((p) => ({ name: p, xs: rows.map((r) => r.epochs), ys: rows.map((r) => r[`${p}_${k}`]), dash: p === "validation" }));
  return {
    update(rows) {
      const key = lossKey(rows);
      if (!key) return;
      loss ??= lineChart(lossEl, { title: `${key} by epoch`, xLabel: "epochs", yLabel: key, id: "history" });
      loss.update(series(rows, key));
      if (!rows.some((r) => "training_classification_error" in r)) return;
      err ??= lineChart(errEl, { title: "classification error by epoch", xLabel: "epochs", yLabel: "classification error", id: "history-error" });
      err.update(series(rows, "classification_error"));
    },
    /** Removes both charts (the next `update` draws new ones) and shows `message` meanwhile. */
    reset(message) {
      loss?.destroy();
      err?.destroy();
      loss = err = null;
      lossEl.innerHTML = `<p class="muted chart-waiting">${esc(message)}</p>`;
      errEl.innerHTML = "";
    },
  };
}

/** A legend value: the point under the cursor, or the series' latest point when the cursor is off the chart. */
function latest(u, v, si, idx) {
  if (idx != null) return v == null ? "–" : num(v);
  const d = u.data[si];
  for (let i = d.length - 1; i >= 0; i--) if (d[i] != null) return num(d[i]);
  return "–";
}

/** Series of {xs, ys} as uPlot's data: one sorted x array (joined when they differ), missing points null. */
function aligned(series) {
  const xs0 = series[0]?.xs ?? [];
  if (series.every((s) => s.xs.length === xs0.length && s.xs.every((x, i) => x === xs0[i]))) return [xs0, ...series.map((s) => s.ys.map(finite))];
  const xs = [...new Set(series.flatMap((s) => s.xs.filter(Number.isFinite)))].sort((a, b) => a - b);
  const at = series.map((s) => new Map(s.xs.map((x, i) => [x, s.ys[i]])));
  return [xs, ...at.map((m) => xs.map((x) => finite(m.get(x))))];
}

/**
 * A uPlot line chart in `el`: a title, the canvas, uPlot's legend (a series name toggles its line,
 * by click or by Enter/Space), a summary for screen readers, and the numbers as a table on demand.
 * `update(series)` (series of {name, xs, ys, dash}) redraws it; the chart follows its container's
 * width. `#chart-<id>` carries `data-points` (the points drawn) and the uPlot instance as `.uplot`.
 */
function lineChart(el, { title, xLabel, yLabel, id }) {
  return uplotChart(el, { title, id, xLabel, yLabel,
    options: (series) => ({
      series: [{ label: xLabel, value: latest }, ...series.map((s, k) => ({ label: s.name, stroke: s.color ?? COLORS[k % COLORS.length], width: 2, dash: s.dash ? [6, 4] : undefined, spanGaps: true, value: latest }))],
    }),
    data: aligned,
    summary: (series) => `${yLabel} against ${xLabel}: ` + series.map((s) => {
      const ys = s.ys.filter(Number.isFinite);
      return `${s.name}, ${ys.length} points${ys.length ? `, from ${num(ys[0])} to ${num(ys.at(-1))}` : ""}`;
    }).join("; "),
  });
}

/** A histogram of `values` in 20 equal-width bins, drawn by uPlot as bars; `data-points` counts the values. */
function histChart(el, values, { title, xLabel, id }) {
  const v = values.filter(Number.isFinite);
  if (!v.length) return void (el.innerHTML = `<h3>${esc(title)}</h3><p class="muted">No values.</p>`);
  const lo = Math.min(...v), hi = Math.max(...v), n = hi > lo ? 20 : 1, w = hi > lo ? (hi - lo) / n : 1;
  const counts = new Array(n).fill(0);
  for (const x of v) counts[Math.min(n - 1, Math.floor((x - lo) / w))]++;
  const centers = counts.map((_, i) => lo + (i + 0.5) * w);
  const chart = uplotChart(el, { title, id, xLabel, yLabel: "rows",
    options: () => ({
      scales: { x: { time: false, range: () => [lo, lo + n * w] }, y: { range: (u, a, b) => [0, Math.max(1, b) * 1.08] } },
      // The legend shows the bin under the cursor, or all bins.
      series: [{ label: xLabel, value: (u, x, si, idx) => (idx == null ? `${num(lo)} to ${num(hi)}` : `${num(x - w / 2)} to ${num(x + w / 2)}`) },
        { label: "rows", stroke: COLORS[0], fill: `${COLORS[0]}b3`, width: 1, paths: uPlot.paths.bars({ size: [0.92, Infinity], align: 0 }), points: { show: false }, value: (u, c, si, idx) => (idx == null ? v.length : c) }],
    }),
    data: () => [centers, counts],
    points: () => v.length,
    summary: () => `${v.length} rows in ${n} bins of ${esc(xLabel)} from ${num(lo)} to ${num(hi)}; the fullest bin holds ${Math.max(...counts)} rows`,
  });
  chart.update([{ name: "rows", xs: centers, ys: counts }]);
}

/** The shared part of the uPlot charts: layout, legend keys, summary, data table, resizing, clean-up. */
function uplotChart(el, { title, id, xLabel, yLabel, options, data, summary, points }) {
  el.innerHTML = `<h3 id="chart-title-${id}">${esc(title)}</h3><div class="plot" id="chart-${id}"></div>
    <details class="chart-data"><summary>The numbers as a table</summary><div class="scroll"></div></details>`;
  const box = el.querySelector(".plot"), details = el.querySelector("details");
  let u = null, names = "", last = [], closed = false;
  const width = () => Math.max(200, Math.floor(el.clientWidth || 480));
  const table = () => {
    const d = data(last);
    details.querySelector(".scroll").innerHTML = `<table><caption class="muted">${esc(title)}</caption><thead><tr><th>${esc(xLabel)}</th>${last.map((s) => `<th>${esc(s.name)}</th>`).join("")}</tr></thead><tbody>` +
      d[0].map((x, i) => `<tr><td>${num(x)}</td>${d.slice(1).map((ys) => `<td>${num(ys[i] ?? "")}</td>`).join("")}</tr>`).join("") + "</tbody></table>";
  };
  const update = (series) => {
    last = series;
    if (closed) return;
    if (!window.uPlot) return void loadUplot().then(() => update(last), (e) => (box.innerHTML = `<p class="error">${esc(e.message)}</p>`));
    const d = data(series), key = series.map((s) => s.name).join("\n");
    if (!u || key !== names) {
      u?.destroy();
      names = key;
      u = new uPlot({
        width: width(), height: CHART_H,
        scales: { x: { time: false } },
        axes: [{ label: xLabel, stroke: "#5b6475", grid: { stroke: "#eee" }, ticks: { stroke: "#ccc" } },
          { label: yLabel, stroke: "#5b6475", grid: { stroke: "#eee" }, ticks: { stroke: "#ccc" }, size: 56 }],
        cursor: { drag: { x: false, y: false } },
        ...options(series),
      }, d, box);
      box.uplot = u;
      // The legend's series names toggle their lines; make them keys too, not only mouse targets.
      // Row k of the (live) legend is series k; row 0 is the x value under the cursor.
      u.root.querySelectorAll(".u-legend tr.u-series").forEach((tr, k) => {
        const th = tr.querySelector("th");
        if (k === 0 || !th) return;
        Object.assign(th, { tabIndex: 0, onkeydown: (e) => (e.key === "Enter" || e.key === " ") && (e.preventDefault(), th.click()) });
        th.setAttribute("role", "button");
        th.setAttribute("aria-pressed", "true");
        th.title = "Show or hide this line";
        th.addEventListener("click", () => th.setAttribute("aria-pressed", String(u.series[k].show)));
      });
    } else u.setData(d);
    const wrap = u.root.querySelector(".u-wrap");
    wrap.setAttribute("role", "img");
    wrap.setAttribute("aria-label", summary(series));
    box.dataset.points = String(points ? points(series) : d.slice(1).reduce((a, ys) => a + ys.filter((y) => y !== null).length, 0));
    if (details.open) table();
  };
  details.ontoggle = () => details.open && table();
  // Follows the container's width: a window resized, a narrow screen, a grid column reflowed.
  const ro = new ResizeObserver(() => u && width() !== u.width && u.setSize({ width: width(), height: CHART_H }));
  ro.observe(el);
  const destroy = () => {
    if (closed) return;
    closed = true;
    ro.disconnect();
    u?.destroy();
    u = null;
  };
  cleanups.push(destroy);
  return { update, destroy };
}
/**
 * Horizontal bars, [label, value in 0..1], as HTML (not uPlot: its bars stand on an x axis, and
 * names beside horizontal bars would need a plugin); the text keeps its size at any width.
 */
function barChart(items, id, label) {
  const summary = `${label}: ${items.map(([l, v]) => `${l} ${num(v, 3)}`).join(", ")}`;
  return `<div class="bars" id="chart-svg-${id}" data-points="${items.length}" role="img" aria-label="${esc(summary)}">${items.map(([name, v]) =>
    `<span class="name" title="${esc(name)}">${esc(name)}</span><span class="bar"><span style="width:${(Math.max(0, Math.min(1, v)) * 100).toFixed(1)}%"></span></span><span class="value">${num(v, 3)}</span>`).join("")}</div>`;
}
/** A column's histogram, 100×24 px. */
function miniHistogram(c) {
  const bins = c.histogram_bins ?? [];
  if (!bins.length) return "";
  const max = Math.max(...bins), w = 100 / bins.length;
  const title = c.type === "enum" ? bins.map((b, i) => `${c.domain[i]}: ${b}`).join(", ") : `${bins.length} bins from ${num(c.histogram_base)} by ${num(c.histogram_stride)}`;
  return `<svg width="100" height="24" viewBox="0 0 100 24" class="hist" role="img" aria-label="${esc(title)}"><title>${esc(title)}</title>${bins.map((b, i) => `<rect x="${(i * w).toFixed(2)}" width="${Math.max(0.5, w - 0.6).toFixed(2)}" y="${(24 - (b / max) * 24).toFixed(1)}" height="${((b / max) * 24).toFixed(1)}" fill="#1f6feb"/>`).join("")}</svg>`;
}
