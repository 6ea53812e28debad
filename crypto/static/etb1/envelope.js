// ETB-1 high level: sealing an envelope to a committee (supplier side) and opening one's own
// shares (member side).

import { canonicalBytes } from "./canonical.js";
import { CHUNK_SIZE, openPayload, sealPayload } from "./payload.js";
import { combineShares, openShare, sealShare, splitDek } from "./shares.js";
import { importPublicKey } from "./hpke.js";
import { readTar, plaintextBlob } from "./tar.js";
import { asBytes, ctEqual, fromHex, randomBytes, sha256, toHex, wipe } from "./util.js";

/** key_id syntax, as in the Python library. */
export const KEY_ID_RE = /^[A-Za-z0-9][A-Za-z0-9._@:+-]{0,127}$/;

/** manifest_hash = SHA-256(canonical JSON of the manifest). */
export function manifestHash(manifest) {
  return sha256(canonicalBytes(manifest));
}

/** context_hash = SHA-256(canonical JSON of the context). */
export function contextHash(context) {
  return sha256(canonicalBytes(context));
}

/**
 * Check a committee manifest (§1) against the hash published on the notice.
 * Returns the manifest hash (bytes). Throws with a message a person can act on.
 */
export async function verifyManifest(manifest, expectedManifestHash) {
  const h = await manifestHash(manifest);
  if (!ctEqual(h, asBytes(expectedManifestHash, "manifest hash"))) {
    throw new Error("ETB-1: the committee manifest does not match the published manifest hash");
  }
  const keys = Object.keys(manifest).sort().join();
  if (keys !== "k,members,tender") throw new Error("ETB-1: manifest must have exactly the keys tender, k, members");
  const { k, members } = manifest;
  if (typeof manifest.tender !== "string" || !manifest.tender || !Array.isArray(members)) throw new Error("ETB-1: malformed manifest");
  const n = members.length;
  if (!Number.isInteger(k) || k < 2 || k > n || n > 255) throw new Error("ETB-1: manifest needs 2 <= k <= n <= 255");
  const seen = new Set();
  for (let i = 0; i < n; i++) {
    const m = members[i];
    if (!m || Object.keys(m).sort().join() !== "key_id,public_key") throw new Error("ETB-1: each manifest member must have exactly key_id and public_key");
    if (typeof m.key_id !== "string" || !KEY_ID_RE.test(m.key_id)) throw new Error("ETB-1: invalid key_id in the manifest");
    if (i > 0 && !(members[i - 1].key_id < m.key_id)) throw new Error("ETB-1: manifest members must be sorted by unique key_id");
    if (typeof m.public_key !== "string" || !/^04[0-9a-f]{128}$/.test(m.public_key)) {
      throw new Error("ETB-1: manifest public keys must be 65-byte uncompressed P-256 points in hex");
    }
    try {
      await importPublicKey(fromHex(m.public_key));
    } catch {
      throw new Error("ETB-1: a manifest public key is not a point on P-256");
    }
    if (seen.has(m.public_key)) throw new Error("ETB-1: two manifest members share a public key");
    seen.add(m.public_key);
  }
  return h;
}

/** §1: a member's client checks its own key is listed; returns its index in the manifest. */
export function findMember(manifest, keyId, publicKey) {
  const i = manifest.members.findIndex((m) => m.key_id === keyId);
  if (i < 0) throw new Error("ETB-1: this member key is not in the committee manifest");
  if (manifest.members[i].public_key !== toHex(asBytes(publicKey, "public_key"))) {
    throw new Error("ETB-1: the manifest lists another public key for this member");
  }
  return i;
}

/** Check a context (§2) is consistent with the manifest it seals to; returns the context hash. */
export async function verifyContext(context, manifest, manifestHashBytes) {
  const want = ["bidder", "envelope", "k", "manifest", "n", "submission", "tender"];
  const keys = Object.keys(context).sort();
  if (keys.join() !== want.join()) throw new Error("ETB-1: context must have exactly the fields " + want.join(", "));
  if (context.manifest !== toHex(manifestHashBytes)) throw new Error("ETB-1: context names another manifest");
  if (context.k !== manifest.k || context.n !== manifest.members.length) throw new Error("ETB-1: context k/n differ from the manifest");
  if (context.tender !== manifest.tender) throw new Error("ETB-1: context tender differs from the manifest");
  for (const f of ["bidder", "envelope", "submission", "tender"]) {
    if (typeof context[f] !== "string" || !context[f]) throw new Error(`ETB-1: context ${f} must be a non-empty string`);
  }
  return contextHash(context);
}

/**
 * Seal an envelope (supplier side).
 *   manifest, expectedManifestHash (hex as shown on the notice), context (§2),
 *   files: [{name, data: File | Blob | Uint8Array}] (top-level names, archive order),
 *   mtime: tar mtime (integer seconds, default 0),
 *   onProgress(bytesDone, total): plaintext bytes sealed so far,
 *   onPart(part): async; receives {kind: "header"|"chunk", bytes, offset, index?, last?} to
 *     upload part by part (awaited: back pressure). Without it the parts are collected.
 * Returns {contextHash, header, headerHash, root, size, chunks, plaintextSize,
 *          sealedShares: [{key_id, sealed_share (114 bytes)}], parts?}.
 * The DEK is fresh, used once, and wiped as soon as the payload key and shares exist.
 */
export async function sealEnvelope({ manifest, expectedManifestHash, context, files, mtime = 0, onProgress, onPart, chunkSize = CHUNK_SIZE }) {
  const mh = await verifyManifest(manifest, expectedManifestHash);
  const ctxHash = await verifyContext(context, manifest, mh);
  const plaintext = plaintextBlob(files, { mtime, chunkSize });
  const dek = randomBytes(32);
  try {
    const shares = splitDek(dek, manifest.k, manifest.members.length);
    const sealedShares = [];
    try {
      for (let i = 0; i < shares.length; i++) {
        const m = manifest.members[i];
        sealedShares.push({
          key_id: m.key_id,
          sealed_share: await sealShare({ share: shares[i], publicKey: fromHex(m.public_key), contextHash: ctxHash, keyId: m.key_id }),
        });
      }
    } finally {
      shares.forEach(wipe);
    }
    const parts = onPart ? undefined : [];
    const result = await sealPayload(plaintext, {
      dek, contextHash: ctxHash, chunkSize, onProgress,
      onPart: async (p) => {
        if (p.kind === "header") wipe(dek); // payload key derived and shares sealed: drop the DEK
        if (onPart) await onPart(p);
        else parts.push(p.bytes);
      },
    });
    if (parts) result.parts = parts;
    return { contextHash: ctxHash, ...result, plaintextSize: plaintext.size, sealedShares };
  } finally {
    wipe(dek);
  }
}

/**
 * Member side: open this member's sealed share for one envelope.
 *   memberKey: result of unwrapMemberKey(), context: the envelope's context (§2),
 *   sealedShare: 114 bytes or hex; deadline/now (Date) optional: refuses before the deadline.
 * Returns the plain 33-byte share (to send to the opening session over TLS).
 */
export async function openMemberShare({ memberKey, context, sealedShare, deadline, now = new Date() }) {
  if (deadline !== undefined && now < deadline) throw new Error("ETB-1: the submission deadline has not passed");
  if (context.manifest === undefined) throw new Error("ETB-1: context without manifest hash");
  return openShare({
    sealed: sealedShare, privateKey: memberKey.privateKey, publicKey: memberKey.publicKey,
    contextHash: await contextHash(context), keyId: memberKey.keyId,
  });
}

/**
 * Open a sealed envelope with k plain shares (verification in the browser, tests).
 * Checks key commitment and context; returns {files: [{name, size, mtime, data}], headerHash, root, size, chunks}.
 */
export async function openEnvelope({ sealed, shares, context, chunkSize = CHUNK_SIZE }) {
  const dek = combineShares(shares);
  try {
    const { plaintext, kind, ...rest } = await openPayload(sealed, { dek, contextHash: await contextHash(context), chunkSize });
    return { files: readTar(plaintext), ...rest };
  } finally {
    wipe(dek);
  }
}
