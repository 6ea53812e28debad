// HPKE (RFC 9180) base mode, single shot, for the one suite ETB-1 uses:
// KEM DHKEM(P-256, HKDF-SHA256) 0x0010, KDF HKDF-SHA256 0x0001, AEAD AES-256-GCM 0x0002.
// Built from WebCrypto ECDH, HMAC and AES-GCM.

import { concat, fromHex, hmacSha256, subtle, utf8, wipe } from "./util.js";

const KEM_ID = 0x0010, KDF_ID = 0x0001, AEAD_ID = 0x0002;
const NSECRET = 32, NK = 32, NN = 12, NENC = 65;
const i2osp2 = (n) => new Uint8Array([(n >> 8) & 0xff, n & 0xff]);
const HPKE_V1 = utf8("HPKE-v1");
const SUITE_KEM = concat(utf8("KEM"), i2osp2(KEM_ID));
const SUITE_HPKE = concat(utf8("HPKE"), i2osp2(KEM_ID), i2osp2(KDF_ID), i2osp2(AEAD_ID));
const EMPTY = new Uint8Array(0);
const EC = { name: "ECDH", namedCurve: "P-256" };

export const ENC_LENGTH = NENC;

function labeledExtract(suite, salt, label, ikm) {
  return hmacSha256(salt, concat(HPKE_V1, suite, utf8(label), ikm));
}

async function expand(prk, info, length) {
  const out = new Uint8Array(length);
  let t = EMPTY;
  for (let i = 1, o = 0; o < length; i++) {
    t = await hmacSha256(prk, concat(t, info, new Uint8Array([i])));
    out.set(t.subarray(0, Math.min(32, length - o)), o);
    o += 32;
  }
  return out;
}

function labeledExpand(suite, prk, label, info, length) {
  return expand(prk, concat(i2osp2(length), HPKE_V1, suite, utf8(label), info), length);
}

// PKCS#8 wrapper for a bare P-256 scalar (ECPrivateKey without the optional public key);
// WebCrypto implementations recompute the public point on import.
const PKCS8_P256_PREFIX = new Uint8Array([
  0x30, 0x41, 0x02, 0x01, 0x00, 0x30, 0x13, 0x06, 0x07, 0x2a, 0x86, 0x48, 0xce, 0x3d, 0x02, 0x01,
  0x06, 0x08, 0x2a, 0x86, 0x48, 0xce, 0x3d, 0x03, 0x01, 0x07, 0x04, 0x27, 0x30, 0x25, 0x02, 0x01,
  0x01, 0x04, 0x20,
]);

/**
 * Import a P-256 private key for ECDH from a CryptoKey (returned as is), PKCS#8 DER bytes,
 * or a raw 32-byte scalar.
 */
export async function importPrivateKey(key, extractable = false) {
  if (typeof CryptoKey !== "undefined" && key instanceof CryptoKey) return key;
  if (key && key.type === "private" && key.algorithm) return key;
  if (typeof key === "string") key = fromHex(key);
  let der = key;
  if (key.length === 32) der = concat(PKCS8_P256_PREFIX, key);
  try {
    return await subtle.importKey("pkcs8", der, EC, extractable, ["deriveBits"]);
  } finally {
    if (der !== key) wipe(der);
  }
}

/** Import a 65-byte uncompressed SEC1 P-256 public key (validated by WebCrypto). */
export async function importPublicKey(raw) {
  if (!(raw instanceof Uint8Array) || raw.length !== 65 || raw[0] !== 0x04) {
    throw new TypeError("public key must be a 65-byte uncompressed P-256 point");
  }
  return subtle.importKey("raw", raw, EC, true, []);
}

/** Raw 65-byte public key of a P-256 private CryptoKey that is extractable, via JWK. */
export async function publicKeyOf(privateKey) {
  const jwk = await subtle.exportKey("jwk", privateKey);
  const b64 = (s) => Uint8Array.from(atob(s.replace(/-/g, "+").replace(/_/g, "/")), (c) => c.charCodeAt(0));
  return concat(new Uint8Array([4]), b64(jwk.x), b64(jwk.y));
}

async function dh(privateKey, publicKey) {
  return new Uint8Array(await subtle.deriveBits({ name: "ECDH", public: publicKey }, privateKey, 256));
}

async function extractAndExpand(dhBytes, kemContext) {
  const eaePrk = await labeledExtract(SUITE_KEM, EMPTY, "eae_prk", dhBytes);
  const ss = await labeledExpand(SUITE_KEM, eaePrk, "shared_secret", kemContext, NSECRET);
  wipe(eaePrk);
  return ss;
}

async function keySchedule(sharedSecret, info) {
  const pskIdHash = await labeledExtract(SUITE_HPKE, EMPTY, "psk_id_hash", EMPTY);
  const infoHash = await labeledExtract(SUITE_HPKE, EMPTY, "info_hash", info);
  const ctx = concat(new Uint8Array([0x00]), pskIdHash, infoHash);
  const secret = await labeledExtract(SUITE_HPKE, sharedSecret, "secret", EMPTY);
  const key = await labeledExpand(SUITE_HPKE, secret, "key", ctx, NK);
  const baseNonce = await labeledExpand(SUITE_HPKE, secret, "base_nonce", ctx, NN);
  wipe(secret);
  const aesKey = await subtle.importKey("raw", key, { name: "AES-GCM" }, false, ["encrypt", "decrypt"]);
  wipe(key);
  return { aesKey, baseNonce };
}

/**
 * HPKE base-mode single-shot Seal. Returns enc (65 bytes) || ciphertext.
 * `ephemeralPrivateKey` (PKCS#8, raw scalar or CryptoKey with its public key in
 * `ephemeralPublicKey`) is for fixed test vectors only; by default a fresh key is generated.
 */
export async function seal(recipientPublicKey, info, aad, plaintext, { ephemeralPrivateKey } = {}) {
  const pkR = await importPublicKey(recipientPublicKey);
  let skE, enc;
  if (ephemeralPrivateKey !== undefined) {
    const k = await importPrivateKey(ephemeralPrivateKey, true);
    skE = k;
    enc = await publicKeyOf(k);
  } else {
    const kp = await subtle.generateKey(EC, false, ["deriveBits"]);
    skE = kp.privateKey;
    enc = new Uint8Array(await subtle.exportKey("raw", kp.publicKey));
  }
  const dhBytes = await dh(skE, pkR);
  const ss = await extractAndExpand(dhBytes, concat(enc, recipientPublicKey));
  wipe(dhBytes);
  const { aesKey, baseNonce } = await keySchedule(ss, info);
  wipe(ss);
  const ct = new Uint8Array(await subtle.encrypt({ name: "AES-GCM", iv: baseNonce, additionalData: aad }, aesKey, plaintext));
  return concat(enc, ct);
}

/**
 * HPKE base-mode single-shot Open of enc || ciphertext with the recipient's private key
 * (CryptoKey, PKCS#8 or raw scalar) and its 65-byte public key. Throws on failure.
 */
export async function open(recipientPrivateKey, recipientPublicKey, info, aad, sealed) {
  if (!(sealed instanceof Uint8Array) || sealed.length < NENC + 16) throw new Error("HPKE: sealed data too short");
  const skR = await importPrivateKey(recipientPrivateKey);
  const enc = sealed.subarray(0, NENC);
  let pkE;
  try {
    pkE = await importPublicKey(enc);
  } catch {
    throw new Error("HPKE: invalid encapsulated key");
  }
  const dhBytes = await dh(skR, pkE);
  const ss = await extractAndExpand(dhBytes, concat(enc, recipientPublicKey));
  wipe(dhBytes);
  const { aesKey, baseNonce } = await keySchedule(ss, info);
  wipe(ss);
  try {
    return new Uint8Array(await subtle.decrypt({ name: "AES-GCM", iv: baseNonce, additionalData: aad }, aesKey, sealed.subarray(NENC)));
  } catch {
    throw new Error("HPKE: open failed (wrong key, info or tampered data)");
  }
}
