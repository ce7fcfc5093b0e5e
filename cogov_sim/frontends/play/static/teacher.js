// The teacher's page: open a class, then run it from the console (for the projector).
"use strict";
// The teacher key never stays in the address (a projector shows it): it is kept by this
// browser and sent in a header; images, the export and the debrief are fetched with it.
let CODE = (Q.get("code") || "").toUpperCase();
let KEY = CODE ? (Q.get("key") || localStorage.getItem("cogov-key-" + CODE)) : null;
if (CODE && KEY) localStorage.setItem("cogov-key-" + CODE, KEY);
if (Q.has("key")) {
  const q0 = new URLSearchParams(location.search); q0.delete("key");
  history.replaceState(null, "", location.pathname + "?" + q0.toString());
}
function auth() { return {"X-Class-Key": KEY}; }
async function blobOf(path) {
  const r = await fetch(path, {headers: auth()});
  if (!r.ok) { let m = "HTTP " + r.status; try { m = (await r.json()).error; } catch (e) {} throw new Error(m); }
  return URL.createObjectURL(await r.blob());
}
async function showImage(id, path) {
  try { const old = $(id).src; $(id).src = await blobOf(path); if (old.startsWith("blob:")) URL.revokeObjectURL(old); }
  catch (e) { showError(e.message); }
}
let VIEW = null;
let shownPlayed = -1;
let timer = null;
const $ = id => document.getElementById(id);
function showError(msg) { $("error").textContent = msg || ""; }

function labelPage() {
  const u = L.ui;
  $("title").textContent = u.title;
  $("open-title").textContent = u.open_class;
  for (const [id, k] of [["world-label", "world"], ["seed-label", "seed"], ["rounds-label", "rounds"],
      ["days-label", "days_per_round"], ["seconds-label", "round_seconds"], ["communities-label", "communities"], ["kinds-label", "roles_offered"],
      ["mechs-label", "mechanisms"], ["research-label", "research"], ["open-button", "open_class"],
      ["join-label", "join_at"], ["start", "start"], ["pause", "pause"], ["resume", "resume"],
      ["extend", "extend"], ["skip", "skip"], ["rewind", "rewind"], ["players-title", "players"],
      ["outcomes-title", "outcomes"], ["board-title", "leaderboard"], ["by-role", "by_role"],
      ["by-community", "by_community"], ["export", "export"], ["debrief", "debrief"], ["local-only", "local_only"],
      ["close", "close"], ["map-title", "map"], ["show-link", "console_link"], ["elsewhere", "console_elsewhere"]]) {
    $(id).textContent = u[k];
  }
  shownPlayed = -1;
  if (VIEW) render(VIEW);
}

async function showOpenForm() {
  $("open").hidden = false; $("console").hidden = true;
  const o = await api("/api/class/options?lang=" + LANG);
  $("world").innerHTML = Object.entries(o.worlds).map(([w, label]) => `<option value="${esc(w)}" ${w === o.defaults.world ? "selected" : ""}>${esc(label)}</option>`).join("");
  $("kinds").innerHTML = o.kinds.map(k => `<label><input type="checkbox" name="kind" value="${k}" checked> ${esc(L.kinds[k])}</label>`).join("");
  $("mechs").innerHTML = Object.entries(o.mechanisms).map(([n, t]) => `<label><input type="checkbox" name="mech" value="${n}"> ${esc(t)}</label>`).join("");
}

async function openClass(ev) {
  ev.preventDefault(); showError("");
  const setup = {
    world: $("world").value, seed: Number($("seed").value), rounds: Number($("rounds").value),
    days_per_round: Number($("days_per_round").value), round_seconds: Number($("round_seconds").value),
    communities: Number($("communities").value),
    kinds: [...document.querySelectorAll("input[name=kind]:checked")].map(i => i.value),
    mechanisms: [...document.querySelectorAll("input[name=mech]:checked")].map(i => i.value),
    research: $("research").checked,
  };
  $("open-button").disabled = true;
  try {
    const r = await api("/api/class", setup);
    CODE = r.code; KEY = r.key;
    localStorage.setItem("cogov-key-" + CODE, KEY);
    const q = new URLSearchParams(location.search); q.set("code", CODE);
    history.replaceState(null, "", location.pathname + "?" + q.toString());
    startConsole();
  } catch (e) { showError(e.message); }
  $("open-button").disabled = false;
}

function startConsole() {
  $("open").hidden = true; $("console").hidden = false;
  showImage("qr", `/api/class/${CODE}/qr.svg`);
  poll();
}

function q() { return `lang=${LANG}`; }

async function poll() {
  clearTimeout(timer);
  try {
    const v = await api(`/api/class/${CODE}/console?${q()}`, undefined, auth());
    if ($("error").dataset.lost) { showError(""); delete $("error").dataset.lost; }
    if (v.busy) { $("state").textContent = L.ui.advancing; }
    else { VIEW = v; render(v); }
  } catch (e) {
    if (e.status === 403 || e.status === 400) { showError(e.message); return; }
    showError(L.ui.lost); $("error").dataset.lost = "1";
  }
  timer = setTimeout(poll, 1000);
}

function render(v) {
  $("where").textContent = v.code;
  $("code").textContent = v.code;
  $("address").textContent = v.join_address;
  $("local-only").hidden = !v.local_only;
  $("round").textContent = roundText(v);
  $("state").textContent = (L.ui[v.state] || v.state) + (v.error ? " — " + v.error : "");
  const s = v.state;
  $("start").hidden = s !== "lobby"; $("pause").hidden = s !== "deciding"; $("resume").hidden = s !== "paused";
  $("extend").disabled = !["deciding", "paused"].includes(s);
  $("skip").disabled = !["deciding", "paused"].includes(s);
  $("rewind").disabled = v.played === 0;
  let rows = `<tr><th>${esc(L.ui.player)}</th><th>${esc(L.ui.role)}</th><th></th><th></th></tr>`;
  for (const p of v.players) {
    const marks = [p.decided ? "✎ " + L.ui.decided : "", p.ready ? "✓ " + L.ui.is_ready : ""].filter(Boolean).join(" · ");
    const free = p.role && s !== "finished" ? `<button type="button" class="secondary small" data-release="${esc(p.role)}" title="${esc(L.ui.release)}">✕</button>` : "";
    rows += `<tr><td><span class="dot ${p.connected ? "on" : "off"}" title="${p.connected ? "" : esc(L.ui.offline)}"></span>${esc(p.name)}</td><td>${esc(p.role ? roleName(p.role) : "—")}</td><td>${esc(marks)}</td><td>${free}</td></tr>`;
  }
  $("players").innerHTML = rows;
  for (const b of document.querySelectorAll("[data-release]")) {
    b.addEventListener("click", () => { if (confirm(L.ui.release + ": " + roleName(b.dataset.release) + "?")) control("release", b.dataset.release); });
  }
  $("free").textContent = v.free_roles.length ? L.ui.free_roles + L.ui.colon + v.free_roles.map(roleName).join(LANG === "zh" ? "；" : "; ") : "";
  let b = "";
  for (const r of v.leaderboard.roles) {
    b += `<tr><td>${esc(roleName(r.role))}</td><td>${esc(r.player)}</td><td>${esc(L.figures[r.figure] || r.figure)}</td><td class="num ${r.gain > 0 ? "better" : r.gain < 0 ? "worse" : ""}">${r.gain === null ? "–" : (r.gain * 100).toFixed(1) + "%"}</td></tr>`;
  }
  $("board-roles").innerHTML = b;
  $("board-communities").innerHTML = v.leaderboard.communities.map(c =>
    `<tr><td>${esc(L.ui.community)} ${c.community + 1}</td><td class="num ${c.gain > 0 ? "better" : c.gain < 0 ? "worse" : ""}">${(c.gain >= 0 ? "+" : "") + (100 * c.gain).toFixed(2) + " " + esc(L.ui.points)}</td></tr>`).join("");
  if (v.played !== shownPlayed) {
    shownPlayed = v.played;
    showImage("map", `/api/class/${CODE}/map.png?${q()}&v=${v.version}`);
    $("outcomes").hidden = v.played === 0;
    if (v.played) showImage("outcomes", `/api/class/${CODE}/outcomes.png?${q()}&v=${v.version}`);
  }
}

async function control(action, role) {
  showError("");
  try { await api(`/api/class/${CODE}/control`, {action: action, seconds: 60, role: role || ""}, auth()); poll(); }
  catch (e) { showError(e.message); }
}

async function download(ev) {
  ev.preventDefault(); showError("");
  try {
    const url = await blobOf(`/api/class/${CODE}/export?${q()}`);
    const a = document.createElement("a");
    a.href = url; a.download = `class-${CODE}-round${VIEW ? VIEW.played : 0}.zip`;
    document.body.appendChild(a); a.click(); a.remove();
    setTimeout(() => URL.revokeObjectURL(url), 60000);
  } catch (e) { showError(e.message); }
}

async function openDebrief(ev) {
  ev.preventDefault(); showError("");
  const w = window.open("", "_blank");
  try { const url = await blobOf(`/api/class/${CODE}/debrief?${q()}`); if (w) w.location = url; else location = url; }
  catch (e) { if (w) w.close(); showError(e.message); }
}

async function closeClass() {
  if (!confirm(L.ui.close_confirm)) return;
  try {
    await api(`/api/class/${CODE}/close`, {}, auth());
    clearTimeout(timer); localStorage.removeItem("cogov-key-" + CODE);
    location = location.pathname + "?lang=" + LANG;
  } catch (e) { showError(e.message); }
}

$("open-form").addEventListener("submit", openClass);
$("export").addEventListener("click", download);
$("debrief").addEventListener("click", openDebrief);
$("close").addEventListener("click", closeClass);
const CONFIRM = {skip: "confirm_skip", rewind: "confirm_rewind"};
for (const b of document.querySelectorAll("[data-action]")) {
  b.addEventListener("click", () => {
    const ask = CONFIRM[b.dataset.action];
    if (!ask || confirm(L.ui[ask])) control(b.dataset.action);
  });
}
$("show-link").addEventListener("click", () => {
  const box = $("console-link");
  box.textContent = `${location.origin}/class?code=${CODE}&key=${encodeURIComponent(KEY)}`;
  box.hidden = !box.hidden;
});
$("lang").addEventListener("click", () => switchLang(() => { labelPage(); if (!CODE) showOpenForm(); }));
loadLabels().then(() => {
  labelPage();
  if (CODE && KEY) startConsole();
  else { $("elsewhere").hidden = !CODE; showOpenForm(); }
});
