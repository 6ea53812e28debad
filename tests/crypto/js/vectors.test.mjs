// ETB-1 fixed test vectors (tests/crypto/vectors/etb1-vectors.json, see its README.md):
// the JavaScript implementation must reproduce every value the Python implementation recorded.
import test from "node:test";
import assert from "node:assert/strict";
import { lib, loadVectors, formulaPlaintext, rejects } from "./helpers.mjs";

const V = loadVectors();
const skip = V ? false : "tests/crypto/vectors/etb1-vectors.json not generated yet";
const U = await lib("util.js");
const { canonicalJson } = await lib("canonical.js");
const P = await lib("payload.js");
const S = await lib("shares.js");
const shamir = await lib("shamir.js");
const M = await lib("memberkey.js");
const T = await lib("tar.js");
const R = await lib("receipt.js");
const MK = await lib("merkle.js");
const E = await lib("envelope.js");
const { toHex, fromHex, sha256, concat, utf8 } = U;
const hex = async (b) => toHex(await sha256(b));

const member = (keyId) => V.members.find((m) => m.key_id === keyId);

test("vector file header", { skip }, () => {
  assert.equal(V.format, "ETB1-vectors");
  assert.equal(V.version, 1);
  assert.equal(V.chunk_size, P.CHUNK_SIZE);
  assert.ok(V.payload_cases.length >= 6);
});

for (const c of V ? V.payload_cases : []) {
  test(`payload case ${c.name}`, async () => {
    // §1, §2: canonical JSON and hashes
    assert.equal(canonicalJson(c.manifest), c.manifest_canonical);
    assert.equal(toHex(await E.manifestHash(c.manifest)), c.manifest_hash);
    assert.equal(canonicalJson(c.context), c.context_canonical);
    assert.equal(toHex(await E.contextHash(c.context)), c.context_hash);
    await E.verifyManifest(c.manifest, c.manifest_hash);
    await E.verifyContext(c.context, c.manifest, fromHex(c.manifest_hash));

    // §4 key derivation
    const dek = fromHex(c.dek), salt = fromHex(c.salt);
    const okm = await U.hkdfSha256(dek, salt, utf8("ETB1/payload"), 64);
    assert.equal(toHex(okm.subarray(0, 32)), c.payload_key);
    assert.equal(toHex((await P.deriveKeys(dek, salt)).keyCommit), c.key_commit);

    // §4, §5 payload: header, chunks, leaves, root, blob
    const pt = formulaPlaintext(c.plaintext_size);
    assert.equal(await hex(pt), c.plaintext_sha256);
    const r = await P.sealPayload(new Blob([pt]), { dek, contextHash: fromHex(c.context_hash), salt, noncePrefix: fromHex(c.nonce_prefix) });
    assert.equal(toHex(r.header), c.header);
    assert.equal(toHex(r.headerHash), c.header_hash);
    assert.equal(r.chunks, c.chunks);
    assert.equal(r.size, c.size);
    const cts = r.parts.slice(1);
    assert.deepEqual(await Promise.all(cts.map((ct) => MK.leafHash(ct).then(toHex))), c.leaves);
    assert.equal(toHex(r.root), c.root);
    assert.equal(toHex(await MK.rootFromLeafHashes(c.leaves.map(fromHex))), c.root);
    const blob = concat(...r.parts);
    assert.equal(await hex(blob), c.blob_sha256);
    assert.equal(await hex(cts[0]), c.first_chunk_sha256);
    assert.equal(await hex(cts.at(-1)), c.last_chunk_sha256);
    const np = fromHex(c.nonce_prefix);
    assert.equal(toHex(P.chunkNonce(np, 0, c.chunks === 1)), c.first_chunk_nonce);
    assert.equal(toHex(P.chunkNonce(np, c.chunks - 1, true)), c.last_chunk_nonce);
    const opened = await P.openPayload(blob, { dek, contextHash: fromHex(c.context_hash) });
    assert.equal(await hex(opened.plaintext), c.plaintext_sha256);
    // tamper cases on the vector blob
    const open = (b, o = {}) => P.openPayload(b, { dek, contextHash: fromHex(c.context_hash), ...o });
    const flip = (pos) => { const b = blob.slice(); b[pos] ^= 0x80; return b; };
    await rejects(open(flip(0)), /magic/);
    await rejects(open(flip(60)), /commitment/);
    await rejects(open(flip(100)), /context/);
    await rejects(open(flip(115)), /authentication/);
    await rejects(open(flip(blob.length - 1)), /authentication/);
    await rejects(open(blob.subarray(0, blob.length - 1)), /authentication|malformed|missing/);
    await rejects(open(concat(blob, new Uint8Array([0]))), /authentication|malformed/);
    await rejects(open(blob, { contextHash: fromHex(c.manifest_hash) }), /context/);

    // §6 Shamir shares from the recorded xs / coefficients
    const { k, n, xs, coefficients } = c.shamir;
    assert.equal(n, c.manifest.members.length);
    assert.equal(k, c.manifest.k);
    const shares = S.splitDek(dek, k, n, { xs, coefficients });
    assert.deepEqual(shares.map(toHex), c.shares.map((s) => s.share));
    assert.deepEqual(c.shares.map((s) => s.key_id), c.manifest.members.map((m) => m.key_id));
    assert.equal(toHex(S.combineShares(c.shares.slice(0, k).map((s) => s.share))), c.dek);
    assert.equal(toHex(S.combineShares(c.shares.slice(n - k).map((s) => s.share))), c.dek);

    // §6 sealed shares: open the recorded ones with the member keys (PKCS#8 and raw scalar)
    for (const [j, ss] of c.sealed_shares.entries()) {
      const m = member(ss.key_id);
      assert.equal(ss.info, `ETB1/share|${c.context_hash}|${ss.key_id}`);
      assert.equal(new TextDecoder().decode(S.shareInfo(fromHex(c.context_hash), ss.key_id)), ss.info);
      assert.equal(ss.sealed_share.length, 228);
      const args = { sealed: ss.sealed_share, publicKey: m.public_key, contextHash: c.context_hash, keyId: ss.key_id };
      assert.equal(toHex(await S.openShare({ ...args, privateKey: fromHex(m.private_key_pkcs8) })), c.shares[j].share);
      assert.equal(toHex(await S.openShare({ ...args, privateKey: fromHex(m.private_scalar) })), c.shares[j].share);
      const other = c.sealed_shares[(j + 1) % n].key_id;
      const om = member(other);
      await rejects(S.openShare({ ...args, privateKey: fromHex(om.private_key_pkcs8), publicKey: om.public_key }), /does not open/);
      await rejects(S.openShare({ ...args, privateKey: fromHex(m.private_key_pkcs8), keyId: other }), /does not open/);
      await rejects(S.openShare({ ...args, privateKey: fromHex(m.private_key_pkcs8), contextHash: c.header_hash }), /does not open/);
    }
  });
}

test("wrong share: combine gives the recorded wrong key, key_commit rejects it, the bad share is identified", { skip }, async () => {
  const w = V.wrong_share;
  const c = V.payload_cases.find((x) => x.name === w.case);
  assert.equal(toHex(shamir.combine([fromHex(w.bad_share), fromHex(w.good_shares[0])])), w.combine_bad_with_first);
  assert.notEqual(w.combine_bad_with_first, c.dek);
  const { keyCommit } = await P.deriveKeys(fromHex(w.combine_bad_with_first), fromHex(c.salt));
  assert.notEqual(toHex(keyCommit), c.key_commit);
  assert.equal(w.expected_error, "KeyCommitMismatch");
  await rejects(S.recoverDek([w.bad_share, w.good_shares[0]], 2, c.salt, c.key_commit), /KeyCommitMismatch/);
  const pt = formulaPlaintext(c.plaintext_size);
  const r = await P.sealPayload(pt, { dek: fromHex(c.dek), contextHash: fromHex(c.context_hash), salt: fromHex(c.salt), noncePrefix: fromHex(c.nonce_prefix) });
  await rejects(P.openPayload(concat(...r.parts), { dek: fromHex(w.combine_bad_with_first), contextHash: fromHex(c.context_hash) }), /commitment/);
  const { dek, used } = await S.recoverDek(w.identify_input, 2, c.salt, c.key_commit);
  assert.equal(toHex(dek), c.dek);
  assert.ok(!used.includes(w.identify_bad_index));
  assert.deepEqual([0, 1, 2].filter((i) => !used.includes(i)), [w.identify_bad_index]);
});

for (const wk of V ? V.member_key_wrap : []) {
  test(`member key wrap ${wk.key_id}`, async () => {
    assert.equal(toHex(utf8(wk.passphrase.normalize("NFC"))), wk.passphrase_nfc_utf8);
    assert.equal(wk.aad, `ETB1/member-key|${wk.key_id}`);
    const st = wk.stored;
    const base = await U.subtle.importKey("raw", fromHex(wk.passphrase_nfc_utf8), "PBKDF2", false, ["deriveBits"]);
    const kek = new Uint8Array(await U.subtle.deriveBits({ name: "PBKDF2", hash: "SHA-256", salt: fromHex(st.salt), iterations: st.iterations }, base, 256));
    assert.equal(toHex(kek), wk.kek);
    const key = await M.unwrapMemberKey(st, wk.passphrase);
    assert.equal(toHex(key.publicKey), st.public_key);
    assert.equal(st.public_key, member(wk.key_id).public_key);
    // re-wrapping the same PKCS#8 with the recorded salt and nonce reproduces the record
    const again = await M.wrapMemberKey(fromHex(wk.private_key_pkcs8), { keyId: wk.key_id, passphrase: wk.passphrase, iterations: st.iterations, salt: st.salt, nonce: st.nonce });
    assert.deepEqual(again, st);
    await rejects(M.unwrapMemberKey(st, wk.wrong_passphrase), /wrong passphrase/);
    // the unwrapped key opens this member's recorded shares
    const c = V.payload_cases[0];
    const ss = c.sealed_shares.find((s) => s.key_id === wk.key_id);
    if (ss) {
      const share = await E.openMemberShare({ memberKey: key, context: c.context, sealedShare: ss.sealed_share });
      assert.equal(toHex(share), c.shares.find((s) => s.key_id === wk.key_id).share);
    }
  });
}

test("tar stream and padded plaintext are byte-identical to Python tarfile", { skip }, async () => {
  const t = V.tar;
  const files = t.files.map((f) => ({ name: f.name, data: utf8(f.content_utf8), mtime: f.mtime }));
  const tar = new Uint8Array(await T.tarBlob(files).arrayBuffer());
  assert.equal(tar.length, t.tar_size);
  assert.equal(await hex(tar), t.tar_sha256);
  const padded = new Uint8Array(await T.plaintextBlob(files).arrayBuffer());
  assert.equal(padded.length, t.padded_size);
  assert.equal(await hex(padded), t.padded_sha256);
  const back = T.readTar(padded);
  assert.deepEqual(back.map((f) => f.name), t.files.map((f) => f.name));
  back.forEach((f, i) => assert.equal(new TextDecoder().decode(f.data), t.files[i].content_utf8));
});

test("receipt and tree head signatures verify (Ed25519)", { skip }, async () => {
  for (const [c, field] of [[V.receipt, "receipt"], [V.tree_head, "tree_head"]]) {
    assert.equal(canonicalJson(c[field]), c.canonical);
    assert.equal(await R.verifyReceipt(c[field], c.signature, c.public_key), true);
    assert.equal(await R.verifyReceipt(c.signed[field], c.signed.signature, c.public_key), true);
    const tampered = { ...c[field] };
    const key = Object.keys(tampered).find((k) => typeof tampered[k] === "number");
    tampered[key] += 1;
    assert.equal(await R.verifyReceipt(tampered, c.signature, c.public_key), false);
    const sig = fromHex(c.signature);
    sig[10] ^= 1;
    assert.equal(await R.verifyReceipt(c[field], sig, c.public_key), false);
  }
  assert.equal(V.receipt.receipt.v, R.RECEIPT_VERSION);
});

test("Merkle roots and proofs (RFC 9162)", { skip }, async () => {
  const mk = V.merkle;
  const leaves = [];
  for (const [i, e] of mk.entries.entries()) {
    const l = await MK.leafHash(utf8(e));
    assert.equal(toHex(l), mk.leaves[i]);
    leaves.push(l);
  }
  assert.equal(toHex(await MK.rootFromLeafHashes([])), mk.empty_root);
  for (const [size, root] of Object.entries(mk.roots)) {
    assert.equal(toHex(await MK.rootFromLeafHashes(leaves.slice(0, Number(size)))), root);
  }
  for (const p of mk.inclusion) {
    const path = await MK.inclusionProof(leaves.slice(0, p.tree_size), p.index);
    assert.deepEqual(path.map(toHex), p.path);
    assert.ok(await MK.verifyInclusion(fromHex(p.leaf), p.index, p.tree_size, p.path.map(fromHex), fromHex(p.root)));
    assert.equal(await MK.verifyInclusion(fromHex(p.leaf), p.index, p.tree_size, p.path.map(fromHex), fromHex(mk.empty_root)), false);
  }
  for (const p of mk.consistency) {
    const path = await MK.consistencyProof(leaves.slice(0, p.new_size), p.old_size);
    assert.deepEqual(path.map(toHex), p.path);
    assert.ok(await MK.verifyConsistency(p.old_size, p.new_size, fromHex(p.old_root), fromHex(p.new_root), p.path.map(fromHex)));
    assert.equal(await MK.verifyConsistency(p.old_size, p.new_size, fromHex(p.new_root), fromHex(p.new_root), p.path.map(fromHex)), false);
  }
});
