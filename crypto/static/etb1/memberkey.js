// ETB-1 §7: committee member keys. The key pair is generated on the member's side; only the
// wrapped private key (PBKDF2-HMAC-SHA-256 + AES-256-GCM) ever leaves it.

import { publicKeyOf } from "./hpke.js";
import { asBytes, ctEqual, randomBytes, subtle, toHex, utf8, wipe } from "./util.js";

export const DEFAULT_ITERATIONS = 600000;
const EC = { name: "ECDH", namedCurve: "P-256" };

/** Fresh P-256 key pair: {privateKey (extractable CryptoKey, for wrapping), publicKey (65 bytes)}. */
export async function generateMemberKeyPair() {
  const kp = await subtle.generateKey(EC, true, ["deriveBits"]);
  return { privateKey: kp.privateKey, publicKey: new Uint8Array(await subtle.exportKey("raw", kp.publicKey)) };
}

async function deriveKek(passphrase, salt, iterations) {
  if (typeof passphrase !== "string" || passphrase.length === 0) throw new TypeError("passphrase must be a non-empty string");
  const pw = utf8(passphrase.normalize("NFC"));
  try {
    const base = await subtle.importKey("raw", pw, "PBKDF2", false, ["deriveKey"]);
    return await subtle.deriveKey({ name: "PBKDF2", hash: "SHA-256", salt, iterations }, base,
      { name: "AES-GCM", length: 256 }, false, ["encrypt", "decrypt"]);
  } finally {
    wipe(pw);
  }
}

const memberAad = (keyId) => utf8("ETB1/member-key|" + keyId);

/**
 * Wrap a member private key (extractable CryptoKey or PKCS#8 DER) under a passphrase.
 * Returns the storable record {key_id, public_key, kdf, iterations, salt, nonce, wrapped} (hex).
 * salt/nonce are for fixed test vectors only.
 */
export async function wrapMemberKey(privateKey, { keyId, passphrase, iterations = DEFAULT_ITERATIONS, salt, nonce }) {
  if (typeof keyId !== "string" || !/^[A-Za-z0-9][A-Za-z0-9._@:+-]{0,127}$/.test(keyId)) throw new TypeError("invalid key_id");
  if (!Number.isSafeInteger(iterations) || iterations < 1) throw new RangeError("bad iterations");
  let pkcs8, key;
  if (privateKey instanceof Uint8Array) {
    pkcs8 = privateKey.slice();
    key = await subtle.importKey("pkcs8", pkcs8, EC, true, ["deriveBits"]);
  } else {
    key = privateKey;
    pkcs8 = new Uint8Array(await subtle.exportKey("pkcs8", key));
  }
  try {
    const publicKey = await publicKeyOf(key);
    salt = salt === undefined ? randomBytes(16) : asBytes(salt, "salt");
    nonce = nonce === undefined ? randomBytes(12) : asBytes(nonce, "nonce");
    const kek = await deriveKek(passphrase, salt, iterations);
    const wrapped = new Uint8Array(await subtle.encrypt({ name: "AES-GCM", iv: nonce, additionalData: memberAad(keyId) }, kek, pkcs8));
    return {
      key_id: keyId,
      public_key: toHex(publicKey),
      kdf: "pbkdf2-sha256",
      iterations,
      salt: toHex(salt),
      nonce: toHex(nonce),
      wrapped: toHex(wrapped),
    };
  } finally {
    wipe(pkcs8);
  }
}

/**
 * Unwrap a stored record with the passphrase. Returns {keyId, publicKey (65 bytes),
 * privateKey (non-extractable ECDH CryptoKey)}. Throws "wrong passphrase or damaged key" on failure;
 * also checks that the private key matches the recorded public key.
 */
export async function unwrapMemberKey(record, passphrase) {
  if (record.kdf !== "pbkdf2-sha256") throw new Error("unsupported member key kdf");
  const kek = await deriveKek(passphrase, asBytes(record.salt, "salt"), record.iterations);
  let pkcs8;
  try {
    pkcs8 = new Uint8Array(await subtle.decrypt(
      { name: "AES-GCM", iv: asBytes(record.nonce, "nonce"), additionalData: memberAad(record.key_id) }, kek, asBytes(record.wrapped, "wrapped")));
  } catch {
    throw new Error("ETB-1: wrong passphrase or damaged member key");
  }
  try {
    const check = await subtle.importKey("pkcs8", pkcs8, EC, true, ["deriveBits"]);
    const publicKey = await publicKeyOf(check);
    if (!ctEqual(publicKey, asBytes(record.public_key, "public_key"))) throw new Error("ETB-1: member key does not match its public key");
    const privateKey = await subtle.importKey("pkcs8", pkcs8, EC, false, ["deriveBits"]);
    return { keyId: record.key_id, publicKey, privateKey };
  } finally {
    wipe(pkcs8);
  }
}

/** Enrolment in one step: generate, wrap; returns {record, publicKey} (record is what the server stores). */
export async function enrolMemberKey({ keyId, passphrase, iterations = DEFAULT_ITERATIONS }) {
  const { privateKey, publicKey } = await generateMemberKeyPair();
  const record = await wrapMemberKey(privateKey, { keyId, passphrase, iterations });
  return { record, publicKey };
}
