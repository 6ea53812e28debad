// Receipt page: verify the signed receipt in the browser with the key published at /api/keys/,
// and offer it for download as JSON.
import { verifySignedReceipt } from "/static/etb1/index.js";
import { api, downloadJson, t } from "./common.js";

const node = document.getElementById("signed-receipt");
if (node) {
  const signed = JSON.parse(JSON.parse(node.textContent));
  const out = document.getElementById("receipt-verify");
  document.getElementById("receipt-download").addEventListener("click", () =>
    downloadJson(`receipt-${signed.receipt.submission}.json`, signed));
  (async () => {
    try {
      const keys = await api("/api/keys/");
      const ok = await verifySignedReceipt(signed, keys.public_key);
      out.textContent = ok ? t("signature_ok") : t("verify_bad");
      out.className = ok ? "verify-ok" : "verify-bad";
      out.dataset.verified = String(ok);
    } catch (err) {
      out.textContent = `${t("verify_bad")} (${err.message})`;
      out.className = "verify-bad";
    }
  })();
}
