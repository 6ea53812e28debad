// ETB-1 §9: receipts are canonical JSON signed with the platform's Ed25519 key; a browser
// verifies them offline with nothing but the published public key.

import { canonicalBytes } from "./canonical.js";
import { asBytes, subtle, toHex } from "./util.js";

export const RECEIPT_VERSION = "ETB1-receipt";

/** True iff `signature` (64 bytes or hex) is a valid Ed25519 signature of canonical JSON of `receipt`. */
export async function verifyReceipt(receipt, signature, publicKey) {
  const key = await subtle.importKey("raw", asBytes(publicKey, "public key"), { name: "Ed25519" }, false, ["verify"]);
  const sig = asBytes(signature, "signature");
  if (sig.length !== 64) return false;
  return subtle.verify({ name: "Ed25519" }, key, sig, canonicalBytes(receipt));
}

/** True iff the receipt binds this sealed envelope (what the sealing client computed). */
export function receiptMatches(receipt, { contextHash, headerHash, root, size, chunks }) {
  return receipt.v === RECEIPT_VERSION &&
    receipt.context_hash === toHex(asBytes(contextHash)) &&
    receipt.header_hash === toHex(asBytes(headerHash)) &&
    receipt.root === toHex(asBytes(root)) &&
    receipt.size === size &&
    receipt.chunks === chunks;
}

/** Verify the signed-receipt document the platform serves: {"receipt": {...}, "signature": "<hex>"}. */
export async function verifySignedReceipt(signed, publicKey) {
  if (!signed || typeof signed.receipt !== "object" || typeof signed.signature !== "string") return false;
  if (signed.receipt.v !== RECEIPT_VERSION) return false;
  return verifyReceipt(signed.receipt, signed.signature, publicKey);
}
