// Shared by the class's pages: language, labels, and JSON requests with clear errors.
"use strict";
const Q = new URLSearchParams(location.search);
let LANG = Q.get("lang") || localStorage.getItem("cogov-lang") || "en";
let L = null;  // the labels of LANG (/api/class/labels)

async function loadLabels() {
  const r = await fetch("/api/class/labels?lang=" + LANG);
  L = await r.json();
  document.documentElement.lang = LANG === "zh" ? "zh" : "en";
  const b = document.getElementById("lang");
  if (b) b.textContent = L.ui.lang;
}

function switchLang(after) {
  LANG = LANG === "zh" ? "en" : "zh";
  localStorage.setItem("cogov-lang", LANG);
  const q = new URLSearchParams(location.search);
  q.set("lang", LANG);
  history.replaceState(null, "", location.pathname + "?" + q.toString());
  loadLabels().then(after);
}

class RequestError extends Error {
  constructor(message, status) { super(message); this.status = status; }
}

// ``headers``: extra request headers (the console's X-Class-Key).
async function api(path, body, headers) {
  const opts = body === undefined ? {headers: headers || {}} : {
    method: "POST", headers: {"Content-Type": "application/json", ...(headers || {})},
    body: JSON.stringify(body)};
  let r;
  try { r = await fetch(path, opts); } catch (e) { throw new RequestError(L ? L.ui.lost : "offline", 0); }
  let data = {};
  try { data = await r.json(); } catch (e) { /* not JSON */ }
  if (!r.ok) throw new RequestError(data.error || ("HTTP " + r.status), r.status);
  return data;
}

function esc(s) {
  return String(s).replace(/[&<>"']/g, c => ({"&": "&amp;", "<": "&lt;", ">": "&gt;", '"': "&quot;", "'": "&#39;"}[c]));
}

function roleName(id) {
  if (!id) return "";
  const [kind, c] = id.split("-");
  const name = L.kinds[kind] || kind;
  if (c === undefined) return name;
  return LANG === "zh" ? name + "，" + L.ui.community + (Number(c) + 1) : name + ", " + L.ui.community + " " + (Number(c) + 1);
}

function fmt(v) {
  if (v === null || v === undefined) return "–";
  if (typeof v === "boolean") return v ? "✓" : "✗";
  if (Math.abs(v) >= 100) return Math.round(v).toLocaleString();
  return Number(v).toPrecision(3).replace(/\.?0+$/, "");
}

// Coloured only beyond 1% of the baseline: smaller gaps are one street's noise.
function compare(v, b, better) {
  if (v === null || b === null || !better || v === b) return "";
  if (b !== 0 && Math.abs(v - b) / Math.abs(b) < 0.01) return "";
  return (v - b) * better > 0 ? "better" : "worse";
}

function yuan(v) { return Math.round(v).toLocaleString() + " " + L.ui.yuan; }

function fmtLever(name, v) {
  if (L.lever_shares.includes(name)) return Math.round(Number(v) * 100) + "%";
  const unit = L.lever_units[name];
  return fmt(Number(v)) + (unit ? " " + unit : "");
}

function fmtFigure(key, v) {
  if (v === null || v === undefined) return "–";
  if (L.shares.includes(key)) return (v * 100).toFixed(1) + "%";
  if (key.endsWith("_yuan")) return yuan(v);
  return fmt(v);
}

function roundText(v) {
  const s = v.seconds_left === null ? null : Math.ceil(v.seconds_left);
  if (LANG === "zh") {
    return "第 " + v.round + " 轮，共 " + v.rounds + " 轮" + (s === null ? "" : " · 剩余 " + s + " 秒");
  }
  return "Round " + v.round + " of " + v.rounds + (s === null ? "" : " · " + s + " s left");
}
