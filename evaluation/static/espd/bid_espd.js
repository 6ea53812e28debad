// The ESPD section of the bid page: turn the answers into espd-response.xml (or take a
// response made elsewhere) and hand it to the bid page, which seals it with the other files.
// The file is never stored anywhere in clear: the build route writes the XML in memory and
// answers it; an attached file is checked here in the browser unless the supplier asks the
// server to check it.
import { api, csrfToken, HttpError } from "/static/bids/common.js";

export const ESPD_FILENAME = "espd-response.xml";

function messages() {
  const node = document.getElementById("espd-i18n");
  return node ? JSON.parse(node.textContent) : {};
}

function t(key, vars = {}) {
  let text = messages()[key] ?? key;
  for (const [name, value] of Object.entries(vars)) text = text.replaceAll(`%(${name})s`, String(value));
  return text;
}

function status(text, kind = "") {
  const node = document.getElementById("espd-status");
  if (!node) return;
  node.textContent = text;
  node.dataset.kind = kind;
}

function mode(section) {
  return section.querySelector("input[name=espd_mode]:checked")?.value || "form";
}

/**
 * Show a follow-up question only when the yes/no question it depends on has the answer it
 * follows ("If yes: ..."); without JavaScript every question shows.
 */
export function applyConditions(section) {
  const shown = new Map();
  for (const div of section.querySelectorAll(".espd-question")) {
    const parent = div.dataset.parent;
    let visible = true;
    if (parent) {
      const answer = [...section.querySelectorAll("fieldset[data-espd-id] input:checked")]
        .find((input) => input.closest("fieldset").dataset.espdId === parent)?.value;
      visible = (shown.get(parent) ?? true) && (!div.dataset.when || answer === div.dataset.when);
    }
    div.hidden = !visible;
    shown.set(div.dataset.id, visible);
  }
}

/** The answers of the form as the build route takes them; null when nothing is answered. */
export function collectAnswers(section) {
  const answers = {};
  for (const node of section.querySelectorAll("[data-espd-id]")) {
    if (node.closest(".espd-question")?.hidden) continue; // a follow-up of another answer
    const id = node.dataset.espdId;
    const type = node.dataset.espdType;
    const part = (name) => node.querySelector(`[data-part=${name}]`)?.value?.trim() || "";
    let value = null;
    if (type === "INDICATOR") {
      const checked = node.querySelector("input[type=radio]:checked");
      if (checked) value = checked.value === "true";
    } else if (type === "PERIOD") {
      if (part("start") || part("end")) value = { start: part("start"), end: part("end") };
    } else if (type === "EVIDENCE_IDENTIFIER") {
      if (part("url") || part("reference")) value = { url: part("url"), reference: part("reference") };
    } else if (node.querySelector("[data-part=amount]")) {
      if (part("amount")) value = { amount: part("amount"), currency: part("currency") || "NOK" };
    } else if (node.value?.trim()) {
      value = node.value.trim();
    }
    if (value !== null) answers[id] = value;
  }
  return Object.keys(answers).length ? answers : null;
}

function requestBody(section, form) {
  const answers = collectAnswers(section);
  if (!answers) return null;
  const body = { answers, economic_operator: { role: section.querySelector("#espd-role")?.value || "sole-tenderer" } };
  const sme = section.querySelector("#espd-sme")?.value;
  if (sme) body.economic_operator.sme = sme === "true";
  const supplier = form?.supplier?.value;
  if (supplier) body.supplier = Number(supplier);
  return body;
}

function fieldsText(err) {
  const fields = err?.body?.error?.fields || {};
  const parts = Object.entries(fields).map(([name, list]) => `${name}: ${list.join(" ")}`);
  return parts.length ? parts.join("; ") : err.message;
}

async function build(section, form) {
  const body = requestBody(section, form);
  if (!body) return null;
  status(t("building"), "busy");
  const res = await fetch(section.dataset.buildUrl, {
    method: "POST", credentials: "same-origin", body: JSON.stringify(body),
    headers: { "Content-Type": "application/json", Accept: "application/xml", "X-CSRFToken": csrfToken() },
  });
  if (!res.ok) {
    let data = null;
    try { data = await res.json(); } catch { /* not JSON */ }
    const err = new HttpError(res.status, data);
    status(t("answers_invalid", { fields: fieldsText(err) }), "error");
    throw new Error(t("answers_invalid", { fields: fieldsText(err) }));
  }
  return new Blob([await res.arrayBuffer()], { type: "application/xml" });
}

async function localCheck(file) {
  const doc = new DOMParser().parseFromString(await file.text(), "application/xml");
  if (doc.getElementsByTagName("parsererror").length) throw new Error(t("not_xml"));
  if (doc.documentElement.localName !== "QualificationApplicationResponse") throw new Error(t("wrong_root"));
}

/**
 * The ESPD file to seal with the bid, or null. `files` are the files the supplier chose;
 * one already named espd-response.xml is sealed as it is.
 */
export async function espdEntry(form, files) {
  const section = document.getElementById("espd-section");
  if (!section) return null;
  const attached = section.querySelector("#espd-file")?.files?.[0];
  if (files.some((f) => f.name.toLowerCase() === ESPD_FILENAME)) {
    if (mode(section) === "file" && attached) throw new Error(t("twice"));
    return null;
  }
  if (mode(section) === "file") {
    if (!attached) throw new Error(t("no_file"));
    await localCheck(attached);
    return { name: ESPD_FILENAME, data: attached };
  }
  const blob = await build(section, form);
  if (!blob) return null;
  status(t("built"), "ok");
  return { name: ESPD_FILENAME, data: blob };
}

function download(blob) {
  const a = document.createElement("a");
  a.href = URL.createObjectURL(blob);
  a.download = ESPD_FILENAME;
  document.body.append(a);
  a.click();
  a.remove();
  setTimeout(() => URL.revokeObjectURL(a.href), 10000);
}

function setUp() {
  const section = document.getElementById("espd-section");
  if (!section) return;
  const form = section.closest("form");
  const sync = () => {
    const file = mode(section) === "file";
    document.getElementById("espd-file-box").hidden = !file;
    document.getElementById("espd-form-box").hidden = file;
  };
  section.querySelectorAll("input[name=espd_mode]").forEach((el) => el.addEventListener("change", sync));
  sync();
  section.addEventListener("change", () => applyConditions(section));
  applyConditions(section);
  document.getElementById("espd-download")?.addEventListener("click", async () => {
    try {
      const blob = await build(section, form);
      if (!blob) return status(t("nothing"), "error");
      status("", "");
      download(blob);
    } catch { /* the status line says why */ }
  });
  document.getElementById("espd-check")?.addEventListener("click", async () => {
    const file = section.querySelector("#espd-file")?.files?.[0];
    if (!file) return status(t("no_file"), "error");
    try {
      await localCheck(file);
      status(t("checking"), "busy");
      await api(section.dataset.checkUrl, { method: "POST", body: file, headers: { "Content-Type": "application/xml" } });
      status(t("check_ok"), "ok");
    } catch (err) {
      status(t("check_failed", { reason: err instanceof HttpError ? fieldsText(err) : err.message }), "error");
    }
  });
}

setUp();
