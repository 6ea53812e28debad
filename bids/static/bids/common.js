// Shared helpers of the bids pages: translated messages, CSRF-aware fetch, formatting, clock.

export function messages() {
  const node = document.getElementById("bids-i18n");
  return node ? JSON.parse(node.textContent) : {};
}

export function t(key, vars = {}) {
  const table = messages();
  let text = table[key] ?? key;
  // A counted message ({one, other}, from views_i18n.counted) takes its form from vars.n.
  if (text && typeof text === "object") text = Number(vars.n) === 1 ? text.one : text.other;
  for (const [name, value] of Object.entries(vars)) text = text.replaceAll(`%(${name})s`, String(value));
  return text;
}

export function csrfToken() {
  const input = document.querySelector("input[name=csrfmiddlewaretoken]");
  if (input) return input.value;
  const m = document.cookie.match(/(?:^|;\s*)csrftoken=([^;]+)/);
  return m ? decodeURIComponent(m[1]) : "";
}

export class HttpError extends Error {
  constructor(status, body) {
    super(body?.error?.message || body?.detail || `HTTP ${status}`);
    this.status = status;
    this.body = body;
    this.code = body?.error?.code || "";
  }
}

/** fetch() with the session cookie and CSRF token; JSON in and out unless told otherwise. */
export async function api(url, { method = "GET", json, body, headers = {}, raw = false, signal } = {}) {
  const h = { "X-CSRFToken": csrfToken(), Accept: "application/json", ...headers };
  if (json !== undefined) {
    h["Content-Type"] = "application/json";
    body = JSON.stringify(json);
  }
  const res = await fetch(url, { method, body, headers: h, credentials: "same-origin", signal });
  if (raw) return res;
  const text = await res.text();
  let data = null;
  try { data = text ? JSON.parse(text) : null; } catch { data = { detail: text.slice(0, 200) }; }
  if (!res.ok) throw new HttpError(res.status, data);
  return data;
}

/** A number in the page's language: 1 300 000,5 in bokmål, 1,300,000.5 in English. */
export function formatNumber(n, decimals = 0) {
  const lang = document.documentElement.lang || "nb";
  return new Intl.NumberFormat(lang, { minimumFractionDigits: decimals, maximumFractionDigits: decimals }).format(n);
}

/** Bytes as backend/formatting.py format_size() writes them: 26,0 MiB / 26.0 MiB. */
export function formatBytes(n) {
  const units = [["TiB", 2 ** 40, 2], ["GiB", 2 ** 30, 2], ["MiB", 2 ** 20, 1], ["KiB", 2 ** 10, 0]];
  for (const [unit, factor, decimals] of units) {
    if (n >= factor) return `${formatNumber(n / factor, decimals)}\u00a0${unit}`;
  }
  return `${formatNumber(n)}\u00a0B`;
}

export function formatDuration(seconds) {
  seconds = Math.max(0, Math.floor(seconds));
  const d = Math.floor(seconds / 86400), h = Math.floor((seconds % 86400) / 3600);
  const m = Math.floor((seconds % 3600) / 60), s = seconds % 60;
  const pad = (x) => String(x).padStart(2, "0");
  return (d ? `${d} d ` : "") + `${pad(h)}:${pad(m)}:${pad(s)}`;
}

/** Oslo wall-clock time of a Date, as the rest of the site shows it. */
export function osloTime(date) {
  return new Intl.DateTimeFormat("nb-NO", {
    timeZone: "Europe/Oslo", day: "2-digit", month: "2-digit", year: "numeric",
    hour: "2-digit", minute: "2-digit", second: "2-digit",
  }).format(date);
}

/** A clock that follows the server's time (offset measured at page load). */
export function serverClock(serverNowIso) {
  const offset = serverNowIso ? new Date(serverNowIso).getTime() - Date.now() : 0;
  return () => new Date(Date.now() + offset);
}

export function setStatus(node, text, kind = "") {
  if (!node) return;
  node.textContent = text;
  node.dataset.kind = kind;
}

export function downloadJson(filename, obj) {
  const blob = new Blob([JSON.stringify(obj, null, 2) + "\n"], { type: "application/json" });
  const a = document.createElement("a");
  a.href = URL.createObjectURL(blob);
  a.download = filename;
  document.body.append(a);
  a.click();
  a.remove();
  setTimeout(() => URL.revokeObjectURL(a.href), 10000);
}
