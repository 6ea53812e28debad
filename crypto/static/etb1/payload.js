// ETB-1 payload (§4) and digest (§5): chunked AES-256-GCM under an HKDF-derived key with a
// key commitment, header as AAD, RFC 9162 Merkle root over the ciphertext chunks.
// Streaming: the plaintext (a Blob/File or Uint8Array) is read in chunk-size slices with
// slice(); the ciphertext is handed out part by part, never held whole.

import { MerkleStream, leafHash } from "./merkle.js";
import { asBytes, concat, ctEqual, hkdfSha256, randomBytes, sha256, subtle, u32be, utf8, wipe } from "./util.js";

export const MAGIC = utf8("ETBIDv1\0");
export const CHUNK_SIZE = 1048576;
export const HEADER_LENGTH = 115;
export const TAG_LENGTH = 16;
export const READ_WINDOW = 4 * 1048576; // plaintext bytes per Blob read while sealing
const INFO_PAYLOAD = utf8("ETB1/payload");

/** okm = HKDF-SHA-256(DEK, salt, "ETB1/payload", 64): payload key (CryptoKey) and key_commit. */
export async function deriveKeys(dek, salt) {
  if (dek.length !== 32) throw new RangeError("DEK must be 32 bytes");
  if (salt.length !== 32) throw new RangeError("salt must be 32 bytes");
  const okm = await hkdfSha256(dek, salt, INFO_PAYLOAD, 64);
  try {
    const payloadKey = await subtle.importKey("raw", okm.subarray(0, 32), { name: "AES-GCM" }, false, ["encrypt", "decrypt"]);
    return { payloadKey, keyCommit: okm.slice(32, 64) };
  } finally {
    wipe(okm);
  }
}

/** The 115-byte header. */
export function buildHeader({ chunkSize = CHUNK_SIZE, salt, noncePrefix, keyCommit, contextHash }) {
  if (noncePrefix.length !== 7) throw new RangeError("nonce_prefix must be 7 bytes");
  if (keyCommit.length !== 32 || contextHash.length !== 32) throw new RangeError("key_commit and context_hash must be 32 bytes");
  return concat(MAGIC, u32be(chunkSize), salt, noncePrefix, keyCommit, contextHash);
}

/** Split a header into its fields; throws on wrong length or magic. */
export function parseHeader(header) {
  if (header.length !== HEADER_LENGTH) throw new Error("ETB-1: truncated header");
  if (!ctEqual(header.subarray(0, 8), MAGIC)) throw new Error("ETB-1: wrong magic");
  const chunkSize = new DataView(header.buffer, header.byteOffset + 8, 4).getUint32(0, false);
  return {
    chunkSize,
    salt: header.slice(12, 44),
    noncePrefix: header.slice(44, 51),
    keyCommit: header.slice(51, 83),
    contextHash: header.slice(83, 115),
  };
}

/** nonce = nonce_prefix || u32be(i) || last */
export function chunkNonce(noncePrefix, i, last) {
  return concat(noncePrefix, u32be(i), new Uint8Array([last ? 1 : 0]));
}

/** Number of chunks for a plaintext length: max(1, ceil(len / chunkSize)). */
export function chunkCount(length, chunkSize = CHUNK_SIZE) {
  return Math.max(1, Math.ceil(length / chunkSize));
}

/** Sealed blob size for a plaintext length. */
export function sealedSize(length, chunkSize = CHUNK_SIZE) {
  return HEADER_LENGTH + length + TAG_LENGTH * chunkCount(length, chunkSize);
}

function sourceSize(src) {
  if (src instanceof Uint8Array) return src.length;
  if (typeof Blob !== "undefined" && src instanceof Blob) return src.size;
  throw new TypeError("source must be a Blob/File or Uint8Array");
}

async function readSlice(src, start, end) {
  if (src instanceof Uint8Array) return src.slice(start, end);
  return new Uint8Array(await src.slice(start, end).arrayBuffer());
}

/**
 * Seal a plaintext, yielding the sealed blob part by part (pull-based: the next chunk is only
 * encrypted when the consumer asks for it, so an uploader applies back pressure for free):
 *   {kind: "header", bytes, offset: 0}
 *   {kind: "chunk", index, bytes, offset, last}   for each ciphertext chunk
 *   {kind: "done", header, headerHash, root, size, chunks}
 * Options: dek (32 bytes, required), contextHash (32 bytes, required), chunkSize,
 * onProgress(bytesDone, total) over plaintext bytes, readWindow (bytes per source read, rounded
 * down to whole chunks, default 4 MiB). salt and noncePrefix are for fixed test
 * vectors only (by default fresh random values): never reuse a DEK.
 */
export async function* sealPayloadParts(source, { dek, contextHash, chunkSize = CHUNK_SIZE, salt, noncePrefix, onProgress, readWindow = READ_WINDOW } = {}) {
  const total = sourceSize(source);
  const n = chunkCount(total, chunkSize);
  if (n > 0xffffffff) throw new RangeError("too many chunks");
  salt = salt === undefined ? randomBytes(32) : asBytes(salt, "salt");
  noncePrefix = noncePrefix === undefined ? randomBytes(7) : asBytes(noncePrefix, "nonce_prefix");
  const { payloadKey, keyCommit } = await deriveKeys(asBytes(dek, "dek"), salt);
  const header = buildHeader({ chunkSize, salt, noncePrefix, keyCommit, contextHash: asBytes(contextHash, "context_hash") });
  const headerHash = await sha256(header);
  const merkle = new MerkleStream();
  let hashing = Promise.resolve();
  const inFlight = [];
  yield { kind: "header", bytes: header, offset: 0 };
  let offset = header.length;
  // Read the source in windows of whole chunks (one Blob read per window: in Chromium each
  // read costs a round trip, so 4 MiB reads are about twice as fast as 1 MiB ones), with one
  // window of read-ahead. Memory stays bounded: two windows plus two chunks being hashed.
  const per = Math.max(1, Math.floor(readWindow / chunkSize));
  const windowBytes = per * chunkSize;
  const nWindows = Math.max(1, Math.ceil(total / windowBytes));
  const readWin = (w) => {
    const p = readSlice(source, w * windowBytes, Math.min((w + 1) * windowBytes, total));
    p.catch(() => {}); // a read-ahead the consumer never reaches must not become an unhandled rejection
    return p;
  };
  let curW = 0;
  let cur = await readWin(0);
  let next = nWindows > 1 ? readWin(1) : null;
  for (let i = 0; i < n; i++) {
    const w = Math.floor(i / per);
    if (w !== curW) {
      wipe(cur);
      cur = await next;
      curW = w;
      next = w + 1 < nWindows ? readWin(w + 1) : null; // read ahead
    }
    const off = (i - w * per) * chunkSize;
    const pt = cur.subarray(off, Math.min(off + chunkSize, cur.length));
    const last = i === n - 1;
    const ct = new Uint8Array(await subtle.encrypt(
      { name: "AES-GCM", iv: chunkNonce(noncePrefix, i, last), additionalData: header }, payloadKey, pt));
    if (last) wipe(cur);
    // Hash the chunk while the next one is read and encrypted; leaves still enter the tree in
    // order, and at most two hashes are in flight (bounded memory).
    const leaf = leafHash(ct); // copies ct synchronously, so the consumer may reuse the bytes
    hashing = hashing.then(async () => merkle.addLeafHash(await leaf));
    inFlight.push(hashing);
    if (inFlight.length > 2) await inFlight.shift();
    if (onProgress) onProgress(Math.min((i + 1) * chunkSize, total), total);
    yield { kind: "chunk", index: i, bytes: ct, offset, last };
    offset += ct.length;
  }
  await hashing;
  yield { kind: "done", header, headerHash, root: await merkle.root(), size: offset, chunks: n };
}

/**
 * Seal a plaintext. Each part (header, then chunks) goes to `await onPart(part)` if given
 * (upload it there; it is not kept), otherwise the parts are collected in `parts`.
 * Returns {header, headerHash, root, size, chunks, parts?}.
 */
export async function sealPayload(source, { onPart, ...opts } = {}) {
  const parts = onPart ? undefined : [];
  for await (const p of sealPayloadParts(source, opts)) {
    if (p.kind === "done") {
      const { kind, ...result } = p;
      if (parts) result.parts = parts;
      return result;
    }
    if (onPart) await onPart(p);
    else parts.push(p.bytes);
  }
  throw new Error("unreachable");
}

/**
 * Open a sealed blob (Blob or Uint8Array) with the DEK, yielding plaintext chunks in order
 *   {kind: "chunk", index, bytes, last}, then {kind: "done", header, headerHash, root, size, chunks}.
 * Checks magic, chunk size, key commitment (constant time) and the expected context hash before
 * decrypting; every chunk must authenticate, the last one must be present and nothing may follow
 * it. A caller must treat the plaintext as released only after "done".
 */
export async function* openPayloadParts(sealed, { dek, contextHash, chunkSize = CHUNK_SIZE } = {}) {
  const size = sourceSize(sealed);
  if (size < HEADER_LENGTH) throw new Error("ETB-1: truncated header");
  const header = await readSlice(sealed, 0, HEADER_LENGTH);
  const h = parseHeader(header);
  if (h.chunkSize !== chunkSize) throw new Error("ETB-1: wrong chunk size");
  const { payloadKey, keyCommit } = await deriveKeys(asBytes(dek, "dek"), h.salt);
  if (!ctEqual(keyCommit, h.keyCommit)) throw new Error("ETB-1: key commitment mismatch (wrong key)");
  if (contextHash === undefined) throw new TypeError("expected contextHash is required");
  if (!ctEqual(asBytes(contextHash, "context_hash"), h.contextHash)) throw new Error("ETB-1: context hash mismatch");
  const body = size - HEADER_LENGTH;
  const full = chunkSize + TAG_LENGTH;
  if (body < TAG_LENGTH) throw new Error("ETB-1: missing last chunk");
  const n = Math.ceil(body / full);
  const lastLen = body - (n - 1) * full;
  if (lastLen < TAG_LENGTH || (n > 1 && lastLen === TAG_LENGTH)) throw new Error("ETB-1: malformed last chunk");
  const merkle = new MerkleStream();
  for (let i = 0; i < n; i++) {
    const start = HEADER_LENGTH + i * full;
    const ct = await readSlice(sealed, start, Math.min(start + full, size));
    const last = i === n - 1;
    let pt;
    try {
      pt = new Uint8Array(await subtle.decrypt(
        { name: "AES-GCM", iv: chunkNonce(h.noncePrefix, i, last), additionalData: header }, payloadKey, ct));
    } catch {
      throw new Error(`ETB-1: chunk ${i} failed authentication`);
    }
    await merkle.addLeafHash(await leafHash(ct));
    yield { kind: "chunk", index: i, bytes: pt, last };
  }
  yield { kind: "done", header, headerHash: await sha256(header), root: await merkle.root(), size, chunks: n };
}

/** Open a whole sealed blob into memory (small blobs, tests and member-side verification). */
export async function openPayload(sealed, opts) {
  const chunks = [];
  for await (const p of openPayloadParts(sealed, opts)) {
    if (p.kind === "done") {
      const { kind, ...result } = p;
      return { plaintext: concat(...chunks), ...result };
    }
    chunks.push(p.bytes);
  }
  throw new Error("unreachable");
}
