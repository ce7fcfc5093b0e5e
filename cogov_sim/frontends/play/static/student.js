// A student's page: join with the class code, decide for your role, press ready.
"use strict";
let CODE = (Q.get("code") || localStorage.getItem("cogov-class") || "").toUpperCase();
let TOKEN = null;
let VIEW = null;
let leverKey = "";
let timer = null;
let mapShown = "";

const $ = id => document.getElementById(id);
function tokenKey() { return "cogov-token-" + CODE; }
// Errors show next to the buttons that caused them (and at the foot, for the join form).
function showError(msg) {
  $("error").textContent = msg || "";
  if ($("role-error")) $("role-error").textContent = msg || "";
}

function labelPage() {
  $("title").textContent = L.ui.title;
  $("join-title").textContent = L.ui.join_title;
  $("code-label").textContent = L.ui.code;
  $("name-label").textContent = L.ui.name;
  $("join-button").textContent = L.ui.join;
  $("send").textContent = L.ui.decide;
  $("figures-title").textContent = L.ui.your_figures;
  $("figures-help").textContent = L.ui.figures_help;
  $("mymap-title").textContent = L.ui.your_part;
  leverKey = ""; mapShown = "";
  if (VIEW) render(VIEW);
}

async function join(ev) {
  ev.preventDefault();
  showError("");
  const code = $("code").value.trim().toUpperCase().replace(/[^A-Z0-9]/g, "");
  try {
    const r = await api("/api/class/" + encodeURIComponent(code) + "/join", {name: $("name").value});
    CODE = code; TOKEN = r.token;
    localStorage.setItem("cogov-class", CODE);
    localStorage.setItem(tokenKey(), TOKEN);
    startPlay();
  } catch (e) { showError(e.message); }
}

function startPlay() {
  $("join").hidden = true; $("play").hidden = false;
  poll();
}

async function poll() {
  clearTimeout(timer);
  try {
    const v = await api("/api/class/" + CODE + "/me?token=" + encodeURIComponent(TOKEN));
    if ($("error").dataset.lost) { showError(""); delete $("error").dataset.lost; }
    if (v.busy) $("state").textContent = L.ui.advancing;  // the street is running a round
    else { VIEW = v; render(v); }
  } catch (e) {
    if (e.status === 403 || e.status === 400) {  // not (or no longer) a player of this class
      localStorage.removeItem(tokenKey()); TOKEN = null;
      $("play").hidden = true; $("join").hidden = false; $("code").value = CODE;
      showError(e.message); return;
    }
    showError(L.ui.lost); $("error").dataset.lost = "1";
  }
  timer = setTimeout(poll, 1000);
}

function render(v) {
  $("where").textContent = v.code + " · " + v.me.name;
  $("round").textContent = roundText(v);
  const watching = !v.role;
  let state = L.ui[v.state] || v.state;
  if (v.state === "deciding" && v.ready) state = L.ui.you_are_ready;
  if (watching && v.state !== "finished") state = "";
  $("state").textContent = state;
  $("role-card").hidden = watching; $("watch-card").hidden = !watching;
  if (watching) { renderWatch(v); return; }
  $("role-title").textContent = L.ui.your_role + L.ui.colon + roleName(v.role.id);
  const key = v.role.id + ":" + v.played + ":" + JSON.stringify(v.levers.map(l => l.in_force));
  if (key !== leverKey) { leverKey = key; renderLevers(v); $("sent").textContent = ""; }
  const open = v.state !== "finished";
  $("send").disabled = !open;
  $("ready").disabled = v.state !== "deciding";
  $("ready").textContent = v.ready ? L.ui.not_ready : L.ui.ready;
  $("ready").className = v.ready ? "secondary" : "";
  renderBudget();
  renderFigures(v);
  const mapKey = v.role.id + ":" + v.played + ":" + LANG;
  if (mapKey !== mapShown) {
    mapShown = mapKey;
    $("map-card").hidden = false;
    $("mymap").src = `/api/class/${CODE}/mymap.png?token=${encodeURIComponent(TOKEN)}&lang=${LANG}&v=${v.played}`;
  }
}

function leverValue(lv, v) {
  if (lv.kind === "choice") return L.ui.department + " " + (Number(v) + 1);
  return fmtLever(lv.name, v);
}

function renderLevers(v) {
  const box = $("levers");
  box.innerHTML = "";
  for (const lv of v.levers) {
    const div = document.createElement("div");
    div.className = "lever";
    const id = "lever-" + lv.name;
    const label = esc(L.levers[lv.name] || lv.name);
    const inforce = `<span class="inforce">${esc(L.ui.in_force_now)}${esc(L.ui.colon)}${esc(leverValue(lv, lv.in_force))}</span>`;
    if (lv.kind === "switch") {
      div.innerHTML = `<label><input type="checkbox" id="${id}" data-lever="${lv.name}" ${lv.value ? "checked" : ""}> ${label}</label>${inforce}`;
    } else if (lv.kind === "choice") {
      let opts = "";
      for (let i = 0; i <= lv.hi; i++) opts += `<option value="${i}" ${i === lv.value ? "selected" : ""}>${esc(leverValue(lv, i))}</option>`;
      div.innerHTML = `<label for="${id}">${label}</label><select id="${id}" data-lever="${lv.name}">${opts}</select> ${inforce}`;
    } else {
      div.innerHTML = `<label for="${id}">${label}${esc(L.ui.colon)}<span class="value" id="${id}-value">${esc(fmtLever(lv.name, lv.value))}</span></label>` +
        `<input type="range" id="${id}" data-lever="${lv.name}" min="${lv.lo}" max="${lv.hi}" step="${lv.step}" value="${lv.value}">` +
        `<div class="range"><span>${esc(fmtLever(lv.name, lv.lo))}</span><span>${inforce}</span><span>${esc(fmtLever(lv.name, lv.hi))}</span></div>`;
    }
    const help = L.lever_help[lv.name];
    if (help) div.insertAdjacentHTML("beforeend", `<div class="help">${esc(help)}</div>`);
    box.appendChild(div);
    const input = div.querySelector("[data-lever]");
    // only the levers the student moved are sent: a value the street's own mechanisms set
    // (perhaps between the slider's steps) stays as it is
    const moved = () => { input.dataset.moved = "1"; $("sent").textContent = L.ui.unsent; renderBudget(); };
    input.addEventListener("input", moved);
    input.addEventListener("change", moved);
    if (lv.kind === "number") input.addEventListener("input", () => { $(id + "-value").textContent = fmtLever(lv.name, Number(input.value)); });
  }
}

// The street office sees what its plan costs as the sliders move (the server checks it).
function renderBudget() {
  const v = VIEW;
  if (!v || v.budget_yuan_month === undefined) { $("budget").textContent = ""; return; }
  let cost = 0;
  for (const lv of v.levers) {
    const input = document.querySelector(`[data-lever=${lv.name}]`);
    const x = input ? Number(input.value) : lv.value;
    cost += (v.price_yuan_month[lv.name] || 0) * x;
  }
  const over = cost > v.budget_yuan_month + 1e-6;
  $("budget").innerHTML = `${esc(L.ui.budget)}${esc(L.ui.colon)}<span class="${over ? "worse" : ""}">${esc(yuan(cost))}</span> / ${esc(yuan(v.budget_yuan_month))}` +
    (over ? ` — ${esc(L.ui.over_budget)}` : "");
}

function values() {
  const out = {};
  for (const input of document.querySelectorAll("#levers [data-lever][data-moved]")) {
    const name = input.dataset.lever;
    out[name] = input.type === "checkbox" ? input.checked : Number(input.value);
  }
  return out;
}

async function send() {
  showError(""); $("sent").textContent = "";
  try {
    await api("/api/class/" + CODE + "/decide", {token: TOKEN, role: VIEW.role.id, values: values()});
    for (const input of document.querySelectorAll("#levers [data-moved]")) delete input.dataset.moved;
    $("sent").textContent = L.ui.sent;
    return true;
  } catch (e) { showError(e.message); return false; }
}

async function toggleReady() {
  showError("");
  // moves not sent yet go with "ready": a student who forgets "Send" loses nothing
  if (!VIEW.ready && document.querySelector("#levers [data-moved]") && !(await send())) return;
  try {
    await api("/api/class/" + CODE + "/ready", {token: TOKEN, ready: !VIEW.ready});
    poll();
  } catch (e) { showError(e.message); }
}

function renderFigures(v) {
  const rows = Object.entries(v.figures || {});
  $("figures-card").hidden = rows.length === 0;
  let html = `<tr><th>${esc(L.ui.figure)}</th><th>${esc(L.ui.class)}</th><th>${esc(L.ui.baseline)}</th></tr>`;
  for (const [k, f] of rows) {
    html += `<tr><td>${esc(L.figures[k] || k)}</td><td class="num ${compare(f.class, f.baseline, f.better)}">${esc(fmtFigure(k, f.class))}</td><td class="num">${esc(fmtFigure(k, f.baseline))}</td></tr>`;
  }
  $("figures").innerHTML = html;
}

function renderWatch(v) {
  const free = v.free_roles || [];
  $("watching").textContent = free.length ? L.ui.watching_free : L.ui.watching;
  $("free").innerHTML = free.map(r => `<p>${esc(roleName(r))} <button type="button" data-take="${esc(r)}">${esc(L.ui.take)}</button></p>`).join("");
  for (const b of document.querySelectorAll("[data-take]")) {
    b.addEventListener("click", async () => {
      try { await api("/api/class/" + CODE + "/take", {token: TOKEN, role: b.dataset.take}); leverKey = ""; poll(); }
      catch (e) { showError(e.message); }
    });
  }
}

$("join-form").addEventListener("submit", join);
$("send").addEventListener("click", send);
$("ready").addEventListener("click", toggleReady);
$("lang").addEventListener("click", () => switchLang(labelPage));
loadLabels().then(() => {
  labelPage();
  TOKEN = CODE ? localStorage.getItem(tokenKey()) : null;
  if (TOKEN) startPlay();
  else { $("join").hidden = false; $("code").value = CODE; }
});
