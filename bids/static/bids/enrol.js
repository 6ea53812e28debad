// Member key enrolment: generate a P-256 key pair in the browser, wrap the private key with the
// passphrase (PBKDF2 600 000 + AES-GCM, ETB-1 §7) and upload only the public key and the
// wrapped key. The passphrase and the unwrapped key never leave this page.
import { enrolMemberKey, KEY_ID_RE } from "/static/etb1/index.js";
import { api, setStatus, t } from "./common.js";

const form = document.getElementById("enrol-form");
if (form) {
  const status = document.getElementById("enrol-status");
  const button = document.getElementById("enrol-button");
  form.addEventListener("submit", async (event) => {
    event.preventDefault();
    const keyId = form.key_id.value.trim();
    const pass = form.passphrase.value;
    if (!KEY_ID_RE.test(keyId)) return setStatus(status, t("bad_key_id"), "error");
    if (pass.length < 12) return setStatus(status, t("short_passphrase"), "error");
    if (pass !== form.passphrase2.value) return setStatus(status, t("passphrase_mismatch"), "error");
    button.disabled = true;
    setStatus(status, t("generating"), "busy");
    try {
      const { record } = await enrolMemberKey({ keyId, passphrase: pass.normalize("NFC") });
      form.passphrase.value = form.passphrase2.value = "";
      setStatus(status, t("uploading_key"), "busy");
      await api(form.dataset.postUrl, { method: "POST", json: record });
      setStatus(status, t("enrolled", { key_id: keyId }), "ok");
      form.querySelectorAll("input").forEach((i) => (i.disabled = true));
      const back = document.createElement("a");
      back.href = form.dataset.committeeUrl;
      back.textContent = t("back_to_committee");
      status.after(back);
    } catch (err) {
      setStatus(status, err.message, "error");
      button.disabled = false;
    }
  });
}
