// Opening page: progress of the session (polled from the JSON endpoint), and for committee
// members: unwrap the key with the passphrase locally, open this member's sealed shares after
// the deadline, re-seal each plain share to the session's ephemeral key, send them.
import { fromHex, hpke, openMemberShare, toHex, unwrapMemberKey, utf8, wipe } from "/static/etb1/index.js";
import { api, formatBytes, serverClock, setStatus, t } from "./common.js";

const root = document.getElementById("opening");
const now = serverClock(root?.dataset.serverNow);
let state = JSON.parse(JSON.parse(document.getElementById("opening-status-json").textContent) || "null");
let lastStatus = state?.status;

function render(s) {
  if (!s) return;
  document.getElementById("opening-status").textContent = s.status_label;
  const bp = document.getElementById("bids-progress");
  bp.max = Math.max(1, s.bids_total);
  bp.value = s.bids_done;
  document.getElementById("bids-text").textContent = t("progress_bids", { done: s.bids_done, total: s.bids_total });
  const yp = document.getElementById("bytes-progress");
  yp.max = Math.max(1, s.bytes_total);
  yp.value = s.bytes_done;
  document.getElementById("bytes-text").textContent = t("progress_bytes", { done: formatBytes(s.bytes_done), total: formatBytes(s.bytes_total) });
  const err = document.getElementById("opening-error");
  err.textContent = s.error || "";
  err.hidden = !s.error;
  const body = document.querySelector("#bids-table tbody");
  body.replaceChildren(...s.bids.map((b) => {
    const tr = document.createElement("tr");
    tr.dataset.submission = b.submission;
    for (const text of [b.supplier, t("shares_status", { have: Math.min(b.shares, b.k), k: b.k }), b.status_label + (b.error ? ` — ${b.error}` : "")]) {
      const td = document.createElement("td");
      td.textContent = text;
      tr.append(td);
    }
    return tr;
  }));
}

async function poll() {
  try {
    state = await api(root.dataset.statusUrl);
    render(state);
    if (state.status === "opened" && lastStatus !== "opened") {
      setStatus(document.getElementById("opening-status"), t("opened_reload"), "ok");
      setTimeout(() => window.location.reload(), 800);
      return;
    }
    lastStatus = state.status;
  } catch { /* keep polling */ }
  const busy = state && (state.status === "opening" || state.status === "collecting");
  setTimeout(poll, busy ? (state.status === "opening" ? 1000 : 3000) : 10000);
}

async function sendShares(event) {
  event.preventDefault();
  const out = document.getElementById("member-status");
  const input = document.getElementById("member-passphrase");
  const button = document.getElementById("send-shares");
  const passphrase = input.value.normalize("NFC");
  if (!passphrase) return setStatus(out, t("need_passphrase"), "error");
  button.disabled = true;
  try {
    setStatus(out, t("fetching"), "busy");
    const mine = await api(root.dataset.sharesUrl);
    const todo = mine.shares.filter((s) => !s.opened);
    if (!todo.length) { setStatus(out, t("nothing_to_send"), "ok"); return; }
    setStatus(out, t("unlocking"), "busy");
    const keys = new Map();
    for (const record of mine.keys) {
      if (!todo.some((s) => s.key_id === record.key_id)) continue;
      try {
        keys.set(record.key_id, await unwrapMemberKey(record, passphrase));
      } catch {
        // The library's own words are English; a wrong passphrase is the likely cause.
        throw new Error(t("wrong_passphrase"));
      }
    }
    input.value = "";
    const sessionKey = fromHex(mine.public_key);
    const deadline = new Date(mine.deadline);
    const shares = [];
    let i = 0;
    for (const row of todo) {
      i += 1;
      setStatus(out, t("opening_shares", { i, n: todo.length }), "busy");
      const memberKey = keys.get(row.key_id);
      if (!memberKey) continue;
      const share = await openMemberShare({ memberKey, context: row.context, sealedShare: row.sealed_share, deadline, now: now() });
      try {
        const info = utf8(`ANBUD/opening-share|${mine.session}|${row.context_hash}|${row.key_id}`);
        const resealed = await hpke.seal(sessionKey, info, new Uint8Array(0), share);
        shares.push({ submission: row.submission, key_id: row.key_id, resealed: toHex(resealed) });
      } finally {
        wipe(share);
      }
    }
    setStatus(out, t("sending", { n: shares.length }), "busy");
    state = await api(root.dataset.sendUrl, { method: "POST", json: { shares } });
    render(state);
    const k = state.bids.length ? state.bids[0].k : 2;
    setStatus(out, t("sent", { n: shares.length, k }), "ok");
  } catch (err) {
    setStatus(out, t("failed", { reason: err.message }), "error");
    button.disabled = false;
  }
}

if (root) {
  render(state);
  document.getElementById("member-form")?.addEventListener("submit", sendShares);
  root.dataset.ready = "true"; // the form is wired up (tests and assistive tools can tell)
  setTimeout(poll, 1500);
}
