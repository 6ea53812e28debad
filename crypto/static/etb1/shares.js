// ETB-1 §6: the DEK's Shamir shares, each sealed to one committee member with HPKE.
// info = "ETB1/share|" + context_hash hex + "|" + key_id, aad = "", sealed = enc (65) || ct (49).

import * as hpke from "./hpke.js";
import * as shamir from "./shamir.js";
import { deriveKeys } from "./payload.js";
import { asBytes, ctEqual, toHex, utf8, wipe } from "./util.js";

export const SHARE_LENGTH = 33;
export const SEALED_SHARE_LENGTH = 114;
const EMPTY = new Uint8Array(0);

/** HPKE info for a member's share of one envelope. */
export function shareInfo(contextHash, keyId) {
  if (typeof keyId !== "string" || keyId.length === 0) throw new TypeError("key_id must be a non-empty string");
  return utf8("ETB1/share|" + toHex(asBytes(contextHash, "context_hash")) + "|" + keyId);
}

/** Split a 32-byte DEK into n shares (y || x, 33 bytes), k needed. xs/coefficients: vectors only. */
export function splitDek(dek, k, n, opts) {
  if (dek.length !== 32) throw new RangeError("DEK must be 32 bytes");
  return shamir.split(dek, k, n, opts);
}

/** Reconstruct a DEK from k shares. */
export function combineShares(shares) {
  return shamir.combine(shares.map((s) => asBytes(s, "share")));
}

/** Seal one plain share to a member's 65-byte P-256 public key. */
export async function sealShare({ share, publicKey, contextHash, keyId, ephemeralPrivateKey }) {
  share = asBytes(share, "share");
  if (share.length !== SHARE_LENGTH) throw new RangeError("share must be 33 bytes");
  const sealed = await hpke.seal(asBytes(publicKey, "public_key"), shareInfo(contextHash, keyId), EMPTY, share,
    ephemeralPrivateKey === undefined ? {} : { ephemeralPrivateKey: asBytes(ephemeralPrivateKey, "ephemeral key") });
  if (sealed.length !== SEALED_SHARE_LENGTH) throw new Error("unexpected sealed share length");
  return sealed;
}

/**
 * Open one sealed share with the member's private key (CryptoKey, PKCS#8 or raw scalar) and
 * public key. Throws "share does not open" on any failure (wrong member, context or tampering).
 */
export async function openShare({ sealed, privateKey, publicKey, contextHash, keyId }) {
  sealed = asBytes(sealed, "sealed_share");
  if (sealed.length !== SEALED_SHARE_LENGTH) throw new Error("sealed share must be 114 bytes");
  try {
    const pt = await hpke.open(privateKey, asBytes(publicKey, "public_key"), shareInfo(contextHash, keyId), EMPTY, sealed);
    if (pt.length !== SHARE_LENGTH) throw new Error("bad share length");
    return pt;
  } catch {
    throw new Error("ETB-1: share does not open for this member and context");
  }
}

function* subsets(n, k, start = 0, acc = []) {
  if (acc.length === k) { yield acc.slice(); return; }
  for (let i = start; i < n; i++) { acc.push(i); yield* subsets(n, k, i + 1, acc); acc.pop(); }
}

/**
 * ETB-1 §8: reconstruct the DEK from k (or more) shares and check it against the header's
 * key_commit in constant time; with more than k shares, bad shares are found by trying other
 * k-subsets. Returns {dek, used: [indexes into shares]}; throws KeyCommitMismatch if no subset fits.
 */
export async function recoverDek(shares, k, salt, keyCommit) {
  shares = shares.map((s) => asBytes(s, "share"));
  if (shares.length < k) throw new Error("ETB-1: not enough shares");
  for (const idx of subsets(shares.length, k)) {
    let dek;
    try {
      dek = shamir.combine(idx.map((i) => shares[i]));
    } catch {
      continue;
    }
    const { keyCommit: kc } = await deriveKeys(dek, asBytes(salt, "salt"));
    if (ctEqual(kc, asBytes(keyCommit, "key_commit"))) return { dek, used: idx };
    wipe(dek);
  }
  const e = new Error("ETB-1: KeyCommitMismatch: no k shares reconstruct the committed key");
  e.name = "KeyCommitMismatch";
  throw e;
}
