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
function showError(msg) { $("error").textContent = msg || ""; }

function labelPage() {
  $("title").textContent = L.ui.title;
  $("join-title").textContent = L.ui.join_title;
  $("code-label").textContent = L.ui.code;
  $("name-label").textContent = L.ui.name;
  $("join-button").textContent = L.ui.join;
  $("send").textContent = L.ui.decide;
  $("figures-title").textContent = L.ui.your_figures;
  $("mymap-title").textContent = L.ui.your_part;
  leverKey = "";
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
  $("state").textContent = L.ui[v.state] || v.state;
  const watching = !v.role;
  $("role-card").hidden = watching; $("watch-card").hidden = !watching;
  if (watching) { renderWatch(v); return; }
  $("role-title").textContent = L.ui.your_role + ": " + roleName(v.role.id);
  const key = v.role.id + ":" + v.played + ":" + JSON.stringify(v.levers.map(l => l.in_force));
  if (key !== leverKey) { leverKey = key; renderLevers(v); }
  const open = v.state !== "finished";
  $("send").disabled = !open;
  $("ready").disabled = v.state !== "deciding";
  $("ready").textContent = v.ready ? L.ui.not_ready : L.ui.ready;
  $("ready").className = v.ready ? "" : "secondary";
  $("budget").textContent = v.budget_yuan_month === undefined ? "" :
    L.ui.budget + ": " + fmt(v.cost_yuan_month) + " / " + fmt(v.budget_yuan_month);
  renderFigures(v);
  const mapKey = v.role.id + ":" + v.played + ":" + LANG;
  if (mapKey !== mapShown) {
    mapShown = mapKey;
    $("map-card").hidden = false;
    $("mymap").src = `/api/class/${CODE}/mymap.png?token=${encodeURIComponent(TOKEN)}&lang=${LANG}&v=${v.played}`;
  }
}

function renderLevers(v) {
  const box = $("levers");
  box.innerHTML = "";
  for (const lv of v.levers) {
    const div = document.createElement("div");
    div.className = "lever";
    const id = "lever-" + lv.name;
    const label = esc(L.levers[lv.name] || lv.name);
    const inforce = `<span class="inforce">(${esc(L.ui.in_force)}: ${esc(fmt(lv.in_force))})</span>`;
    if (lv.kind === "switch") {
      div.innerHTML = `<label><input type="checkbox" id="${id}" data-lever="${lv.name}" ${lv.value ? "checked" : ""}> ${label} ${inforce}</label>`;
    } else if (lv.kind === "choice") {
      let opts = "";
      for (let i = 0; i <= lv.hi; i++) opts += `<option value="${i}" ${i === lv.value ? "selected" : ""}>${i + 1}</option>`;
      div.innerHTML = `<label for="${id}">${label} ${inforce}</label><select id="${id}" data-lever="${lv.name}">${opts}</select>`;
    } else {
      div.innerHTML = `<label for="${id}">${label}: <span class="value" id="${id}-value">${esc(fmt(lv.value))}</span> ${inforce}</label>` +
        `<input type="range" id="${id}" data-lever="${lv.name}" min="${lv.lo}" max="${lv.hi}" step="${lv.step}" value="${lv.value}">`;
    }
    box.appendChild(div);
    const input = div.querySelector("[data-lever]");
    // only the levers the student moved are sent: a value the street's own mechanisms set
    // (perhaps between the slider's steps) stays as it is
    const moved = () => { input.dataset.moved = "1"; };
    input.addEventListener("input", moved);
    input.addEventListener("change", moved);
    if (lv.kind === "number") input.addEventListener("input", () => { $(id + "-value").textContent = fmt(Number(input.value)); });
  }
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
    $("sent").textContent = L.ui.sent;
    poll();
  } catch (e) { showError(e.message); }
}

async function toggleReady() {
  showError("");
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
    html += `<tr><td>${esc(L.figures[k] || k)}</td><td class="num ${compare(f.class, f.baseline, f.better)}">${esc(fmt(f.class))}</td><td class="num">${esc(fmt(f.baseline))}</td></tr>`;
  }
  $("figures").innerHTML = html;
}

function renderWatch(v) {
  $("watching").textContent = L.ui.watching;
  const free = v.free_roles || [];
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
