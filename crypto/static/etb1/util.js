// ETB-1 byte helpers shared by the other modules (WebCrypto only, no dependencies).

const webcrypto = globalThis.crypto;
if (!webcrypto || !webcrypto.subtle || !webcrypto.getRandomValues) {
  throw new Error("ETB-1 needs WebCrypto (crypto.subtle) in a secure context");
}
export const subtle = webcrypto.subtle;

const encoder = new TextEncoder();
const decoder = new TextDecoder("utf-8", { fatal: true });

/** UTF-8 encode a string. */
export function utf8(s) {
  return encoder.encode(s);
}

/** UTF-8 decode bytes (throws on invalid UTF-8). */
export function fromUtf8(b) {
  return decoder.decode(b);
}

/** Concatenate byte arrays into a new Uint8Array. */
export function concat(...parts) {
  let n = 0;
  for (const p of parts) n += p.length;
  const out = new Uint8Array(n);
  let o = 0;
  for (const p of parts) {
    out.set(p, o);
    o += p.length;
  }
  return out;
}

/** Lowercase hex of bytes. */
export function toHex(b) {
  let s = "";
  for (let i = 0; i < b.length; i++) s += b[i].toString(16).padStart(2, "0");
  return s;
}

/** Bytes of a hex string (upper or lower case, even length). */
export function fromHex(h) {
  if (typeof h !== "string" || h.length % 2 !== 0 || !/^[0-9a-fA-F]*$/.test(h)) {
    throw new TypeError("invalid hex string");
  }
  const out = new Uint8Array(h.length / 2);
  for (let i = 0; i < out.length; i++) out[i] = parseInt(h.substr(2 * i, 2), 16);
  return out;
}

/** Accept bytes or hex; return a Uint8Array view. */
export function asBytes(v, what = "value") {
  if (v instanceof Uint8Array) return v;
  if (v instanceof ArrayBuffer) return new Uint8Array(v);
  if (ArrayBuffer.isView(v)) return new Uint8Array(v.buffer, v.byteOffset, v.byteLength);
  if (typeof v === "string") return fromHex(v);
  throw new TypeError(`${what}: expected bytes or hex`);
}

/** 4-byte big-endian encoding of an unsigned 32-bit integer. */
export function u32be(n) {
  if (!Number.isInteger(n) || n < 0 || n > 0xffffffff) throw new RangeError("u32 out of range");
  const b = new Uint8Array(4);
  new DataView(b.buffer).setUint32(0, n, false);
  return b;
}

/** Cryptographically secure random bytes (crypto.getRandomValues, 64 KiB per call max). */
export function randomBytes(n) {
  const out = new Uint8Array(n);
  for (let o = 0; o < n; o += 65536) webcrypto.getRandomValues(out.subarray(o, Math.min(n, o + 65536)));
  return out;
}

/** SHA-256 digest as Uint8Array. */
export async function sha256(data) {
  return new Uint8Array(await subtle.digest("SHA-256", data));
}

/** Constant-time equality of two byte arrays (length is not secret). */
export function ctEqual(a, b) {
  if (a.length !== b.length) return false;
  let d = 0;
  for (let i = 0; i < a.length; i++) d |= a[i] ^ b[i];
  return d === 0;
}

/** Overwrite a byte array with zeros (best effort secret erasure). */
export function wipe(b) {
  if (b instanceof Uint8Array) b.fill(0);
}

/** HMAC-SHA-256(key, data). An empty key equals a zero-filled key (RFC 2104 padding). */
export async function hmacSha256(key, data) {
  const k = key.length === 0 ? new Uint8Array(32) : key;
  const ck = await subtle.importKey("raw", k, { name: "HMAC", hash: "SHA-256" }, false, ["sign"]);
  return new Uint8Array(await subtle.sign("HMAC", ck, data));
}

/** HKDF-SHA-256 (RFC 5869) via WebCrypto. */
export async function hkdfSha256(ikm, salt, info, length) {
  const k = await subtle.importKey("raw", ikm, "HKDF", false, ["deriveBits"]);
  const bits = await subtle.deriveBits({ name: "HKDF", hash: "SHA-256", salt, info }, k, length * 8);
  return new Uint8Array(bits);
}

/** Import a raw 32-byte AES-256-GCM key (non-extractable). */
export async function importAesKey(raw, usages = ["encrypt", "decrypt"]) {
  if (raw.length !== 32) throw new RangeError("AES-256 key must be 32 bytes");
  return subtle.importKey("raw", raw, { name: "AES-GCM" }, false, usages);
}
