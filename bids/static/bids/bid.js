// Supplier bid page: live countdown from server time; seal the chosen files in the page with
// the ETB-1 modules (1 MiB chunks, progress bar); upload the sealed blob in checksummed parts
// with retries that resend the stored ciphertext (never re-encrypt) after asking the server
// which parts it has; warn when the remaining upload at the measured speed will not finish
// before the deadline; finalise; verify the signed receipt in the browser.
import {
  plaintextBlob, receiptMatches, sealEnvelope, sealedSize, toHex, verifySignedReceipt,
} from "/static/etb1/index.js";
import { api, downloadJson, formatBytes, formatDuration, HttpError, osloTime, serverClock, setStatus, t } from "./common.js";
import { espdEntry } from "/static/espd/bid_espd.js";

const PART_BYTES = 4 * 1048576 + 0; // four sealed chunks per upload part
const MAX_ATTEMPTS = 6;

const box = document.getElementById("deadline-box");
const now = serverClock(box?.dataset.serverNow);
const deadline = box?.dataset.deadline ? new Date(box.dataset.deadline) : null;
const form = document.getElementById("bid-form");

// --- countdown -------------------------------------------------------------------------------
const countdown = document.getElementById("countdown");
let lastProgress = null; // [uploaded, total, speed] of the running upload
let lastAnnounced = -1;
function tick() {
  if (!deadline || !countdown) return;
  const left = (deadline - now()) / 1000;
  countdown.textContent = left > 0 ? formatDuration(left) : t("deadline_passed");
  countdown.dataset.urgent = String(left < 3600);
  // Screen readers: announce at most once a minute (role=timer is not live by default).
  const minute = Math.floor(left / 60);
  if (left > 0 && left < 600 && minute !== lastAnnounced) {
    lastAnnounced = minute;
    countdown.setAttribute("aria-live", "polite");
  } else countdown.removeAttribute("aria-live");
  if (lastProgress) showWarning(...lastProgress);
  if (left <= 0 && form) {
    form.querySelectorAll("input, button, select").forEach((el) => (el.disabled = true));
  }
}
tick();
setInterval(tick, 1000);

// --- upload with retries ---------------------------------------------------------------------
class Uploader {
  constructor(base, total, onProgress) {
    this.base = base;
    this.total = total;
    this.onProgress = onProgress;
    this.index = 0;
    this.buffer = new Uint8Array(PART_BYTES + 256);
    this.fill = 0;
    this.sent = 0;
    this.started = performance.now();
    this.samples = [];
  }

  async add(bytes) {
    let offset = 0;
    while (offset < bytes.length) {
      const take = Math.min(PART_BYTES - this.fill, bytes.length - offset);
      this.buffer.set(bytes.subarray(offset, offset + take), this.fill);
      this.fill += take;
      offset += take;
      if (this.fill === PART_BYTES) await this.flush();
    }
  }

  async flush() {
    if (!this.fill) return;
    const part = this.buffer.slice(0, this.fill); // kept until the server has it
    this.fill = 0;
    await this.put(this.index, part);
    this.index += 1;
  }

  async put(index, part) {
    const sha = toHex(new Uint8Array(await crypto.subtle.digest("SHA-256", part)));
    for (let attempt = 1; ; attempt++) {
      const began = performance.now();
      try {
        await api(`${this.base}parts/${index}`, {
          method: "PUT", body: part,
          headers: { "Content-Type": "application/octet-stream", "X-Content-SHA256": sha },
        });
        this.sample(part.length, performance.now() - began);
        this.sent += part.length;
        this.onProgress(this.sent, this.total, this.speed());
        return;
      } catch (err) {
        const retryable = !(err instanceof HttpError) || err.status >= 500 || err.status === 408 || err.status === 429;
        if (!retryable || attempt >= MAX_ATTEMPTS) throw err;
        setStatus(document.getElementById("bid-status"), t("retrying", { n: attempt + 1 }), "busy");
        await new Promise((r) => setTimeout(r, Math.min(8000, 500 * 2 ** attempt)));
        // Which parts do you have? If this one arrived intact, do not send it again.
        try {
          const have = await api(`${this.base}parts`);
          const got = (have.parts || []).find((p) => p.index === index);
          if (got && got.sha256 === sha && got.size === part.length) {
            this.sent += part.length;
            this.onProgress(this.sent, this.total, this.speed());
            return;
          }
        } catch { /* still offline: try the PUT again */ }
      }
    }
  }

  sample(bytes, ms) {
    this.samples.push({ bytes, ms: Math.max(ms, 1) });
    if (this.samples.length > 8) this.samples.shift();
  }

  speed() { // bytes per second over the last few parts
    const b = this.samples.reduce((s, x) => s + x.bytes, 0);
    const ms = this.samples.reduce((s, x) => s + x.ms, 0);
    return ms ? (b * 1000) / ms : 0;
  }
}

function showWarning(uploaded, total, speed) {
  lastProgress = uploaded < total ? [uploaded, total, speed] : null;
  const warning = document.getElementById("speed-warning");
  if (!warning || !deadline || speed <= 0) return;
  const left = total - uploaded;
  const eta = left / speed;
  const remain = (deadline - now()) / 1000;
  if (left > 0 && eta > remain) {
    warning.textContent = t("too_slow", { left: formatBytes(left), eta: formatDuration(eta), remain: formatDuration(remain) });
    warning.hidden = false;
  } else {
    warning.hidden = true;
  }
}

// --- resumable uploads across reloads -------------------------------------------------------------
// With the origin-private file system the whole sealed blob is written to this browser's own
// storage first, then uploaded from there: if the tab closes or the connection drops, a later
// visit asks the server which parts it has and sends only the rest, from the same ciphertext
// (never sealed again). Without it the page seals and uploads in one stream.
const PENDING = `anbud-pending-bid:${form?.dataset.apiBase}`;

async function opfs() {
  try {
    const dir = await navigator.storage.getDirectory();
    const probe = await dir.getFileHandle(".anbud-probe", { create: true });
    if (typeof probe.createWritable !== "function") return null;
    return dir;
  } catch {
    return null;
  }
}

function loadPending() {
  try { return JSON.parse(localStorage.getItem(PENDING) || "null"); } catch { return null; }
}

async function clearPending(dir) {
  const pending = loadPending();
  localStorage.removeItem(PENDING);
  if (dir && pending) {
    try { await dir.removeEntry(pending.file); } catch { /* already gone */ }
  }
}

async function uploadFromFile(pending, file, onProgress) {
  const base = pending.base;
  const have = new Map(((await api(`${base}parts`)).parts || []).map((p) => [p.index, p]));
  const uploader = new Uploader(base, pending.digest.size, onProgress);
  for (let index = 0, offset = 0; offset < file.size; index++, offset += PART_BYTES) {
    const part = new Uint8Array(await file.slice(offset, offset + PART_BYTES).arrayBuffer());
    const known = have.get(index);
    if (known && known.size === part.length) {
      const sha = toHex(new Uint8Array(await crypto.subtle.digest("SHA-256", part)));
      if (sha === known.sha256) { // the server already has this part
        uploader.sent += part.length;
        onProgress(uploader.sent, uploader.total, uploader.speed());
        continue;
      }
    }
    await uploader.put(index, part);
  }
}

async function finalize(pending) {
  // The sealed shares travel with the finalisation (stored with the receipt, in one
  // transaction). A pending upload saved by an older page has none: its shares were sent
  // before the upload, and the server uses those.
  const body = { ...pending.digest, ...(pending.shares || {}) };
  const signed = await api(`${pending.base}finalize`, { method: "POST", json: body });
  await showReceipt(signed, {
    contextHash: pending.contextHash, headerHash: pending.digest.header_hash,
    root: pending.digest.root, size: pending.digest.size, chunks: pending.digest.chunks,
  }, pending.submission);
  setStatus(document.getElementById("bid-status"), t("done", { when: osloTime(new Date(signed.receipt.received_at)) }), "ok");
}

function progressUi() {
  document.getElementById("seal-row").hidden = false;
  document.getElementById("upload-row").hidden = false;
  const sealBar = document.getElementById("seal-progress"), sealText = document.getElementById("seal-text");
  const upBar = document.getElementById("upload-progress"), upText = document.getElementById("upload-text");
  return {
    seal(done, all) {
      sealBar.value = Math.floor((100 * done) / all);
      sealText.textContent = t("sealed_pct", { done: formatBytes(done), total: formatBytes(all) });
    },
    upload(done, all, speed) {
      upBar.value = Math.floor((100 * done) / all);
      upText.textContent = t("uploaded_pct", { done: formatBytes(done), total: formatBytes(all), speed: formatBytes(speed) });
      showWarning(done, all, speed);
    },
  };
}

// --- submit ------------------------------------------------------------------------------------
async function submitBid(event) {
  event.preventDefault();
  const status = document.getElementById("bid-status");
  const files = [...form.files.files];
  if (!files.length) return setStatus(status, t("choose_files"), "error");
  if (form.dataset.hasCurrent && !window.confirm(t("replace_confirm"))) return;
  const button = document.getElementById("bid-button");
  button.disabled = true;
  document.getElementById("resume-box")?.setAttribute("hidden", "");
  const ui = progressUi();
  const dir = await opfs();
  try {
    // The ESPD response (evaluation/espd), if the notice asks for one: sealed as a file of the bid.
    const espd = await espdEntry(form, files);
    setStatus(status, t("starting"), "busy");
    const sub = await api(form.dataset.apiBase, { method: "POST", json: { supplier: form.supplier?.value || "" } });
    if (sub.manifest_hash !== form.dataset.manifestHash) throw new Error(t("manifest_mismatch"));
    const base = `${form.dataset.apiBase}${sub.id}/`;
    const entries = files.map((f) => ({ name: f.name, data: f }));
    if (espd) entries.push(espd);
    const mtime = Math.floor(Date.now() / 1000);
    const total = sealedSize(plaintextBlob(entries, { mtime }).size);
    const sealing = {
      manifest: sub.manifest, expectedManifestHash: form.dataset.manifestHash, context: sub.context,
      files: entries, mtime, onProgress: ui.seal,
    };
    setStatus(status, t("sealing"), "busy");
    let result, pending, file = null;
    if (dir) {
      await clearPending(dir);
      const name = `anbud-bid-${sub.id}.etb`;
      const writable = await (await dir.getFileHandle(name, { create: true })).createWritable();
      try {
        result = await sealEnvelope({ ...sealing, onPart: (p) => writable.write(p.bytes) });
      } finally {
        await writable.close();
      }
      file = await (await dir.getFileHandle(name)).getFile();
      pending = { submission: sub.id, base, file: name };
    } else {
      const uploader = new Uploader(base, total, ui.upload);
      result = await sealEnvelope({ ...sealing, onPart: (p) => uploader.add(p.bytes) });
      await uploader.flush();
      pending = { submission: sub.id, base, file: null };
    }
    pending.contextHash = toHex(result.contextHash);
    pending.digest = { header_hash: toHex(result.headerHash), root: toHex(result.root), size: result.size, chunks: result.chunks };
    // Sealed to the committee's keys: kept with the pending upload (for a resume) and sent
    // with the finalisation, so a bid is three requests: start, parts, finalise.
    pending.shares = {
      context_hash: pending.contextHash, manifest_hash: sub.manifest_hash,
      sealed_shares: result.sealedShares.map((s) => ({ key_id: s.key_id, sealed_share: toHex(s.sealed_share) })),
    };
    if (file) {
      localStorage.setItem(PENDING, JSON.stringify({ ...pending, saved: new Date().toISOString() }));
      await uploadFromFile(pending, file, ui.upload);
    }
    setStatus(status, t("finalizing"), "busy");
    await finalize(pending);
    await clearPending(dir);
  } catch (err) {
    setStatus(status, t("failed", { reason: err.message }), "error");
    button.disabled = false;
  }
}

async function resumeBid() {
  const status = document.getElementById("bid-status");
  const dir = await opfs();
  const pending = loadPending();
  document.getElementById("resume-box").hidden = true;
  const ui = progressUi();
  try {
    const file = await (await dir.getFileHandle(pending.file)).getFile();
    setStatus(status, t("resuming"), "busy");
    await uploadFromFile(pending, file, ui.upload);
    setStatus(status, t("finalizing"), "busy");
    await finalize(pending);
    await clearPending(dir);
  } catch (err) {
    setStatus(status, t("failed", { reason: err.message }), "error");
    document.getElementById("resume-box").hidden = false;
  }
}

async function offerResume() {
  const pending = loadPending();
  const box = document.getElementById("resume-box");
  if (!pending || !box || !form) return;
  const dir = await opfs();
  try {
    if (!dir) throw new Error("no storage");
    const file = await (await dir.getFileHandle(pending.file)).getFile();
    const state = await api(`${pending.base}parts`);
    if (state.status !== "uploading" || file.size !== pending.digest.size) throw new Error("stale");
    document.getElementById("resume-text").textContent = t("resume_offer", {
      size: formatBytes(file.size), done: formatBytes(state.total_bytes || 0),
      when: osloTime(new Date(pending.saved)),
    });
    box.hidden = false;
    document.getElementById("resume-button").addEventListener("click", resumeBid);
    document.getElementById("discard-button").addEventListener("click", async () => {
      box.hidden = true;
      try { await api(`${pending.base}withdraw`, { method: "POST" }); } catch { /* it expires anyway */ }
      await clearPending(dir);
    });
  } catch {
    await clearPending(dir);
  }
}

async function showReceipt(signed, result, submissionId) {
  const keys = await api("/api/keys/");
  const publicKey = keys.public_key || form.dataset.publicKey;
  const ok = receiptMatches(signed.receipt, result) && await verifySignedReceipt(signed, publicKey);
  const out = document.getElementById("verify-result");
  out.textContent = ok ? t("verify_ok") : t("verify_bad");
  out.className = ok ? "verify-ok" : "verify-bad";
  out.dataset.verified = String(ok);
  document.getElementById("bid-result").hidden = false;
  document.getElementById("download-receipt").onclick = () => downloadJson(`receipt-${submissionId}.json`, signed);
  document.getElementById("receipt-link").href = `${form.dataset.receiptUrl}${submissionId}/receipt/`;
  document.getElementById("result-heading").focus();
}

form?.addEventListener("submit", submitBid);
offerResume();
