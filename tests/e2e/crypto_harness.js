// Browser harness for tests/e2e/test_crypto_browser.py and bench/crypto_browser.py.
// Loads the ETB-1 ES modules exactly as a page would (served as static files) and exposes
// window.etb1Harness for Playwright.
import * as etb1 from "/static/etb1/index.js";

const { toHex, fromHex, sha256, concat, utf8, canonicalJson } = etb1;
const $ = (id) => document.getElementById(id);

function show(name, ok, detail = "") {
  const li = document.createElement("li");
  li.className = ok ? "ok" : "fail";
  li.textContent = `${ok ? "✔" : "✘"} ${name}${detail ? " — " + detail : ""}`;
  $("results").appendChild(li);
}

function formula(size) {
  const out = new Uint8Array(size);
  for (let i = 0; i < size; i++) out[i] = (i * 7 + 3) % 251;
  return out;
}

const hexSha = async (b) => toHex(await sha256(b));

async function blobToBase64(blob) {
  const url = await new Promise((resolve, reject) => {
    const r = new FileReader();
    r.onload = () => resolve(r.result);
    r.onerror = () => reject(r.error);
    r.readAsDataURL(blob);
  });
  return url.slice(url.indexOf(",") + 1);
}

function setProgress(done, total) {
  $("progress").max = total || 1;
  $("progress").value = done;
  $("progress-text").textContent = `${done} / ${total} bytes`;
}

/** Run the fixed-vector checks in the page; returns {passed, failed: [..]}. */
async function runVectors(V) {
  const results = [];
  const check = async (name, fn) => {
    try {
      const r = await fn();
      if (r === false) throw new Error("check returned false");
      results.push({ name, ok: true });
      show(name, true);
    } catch (e) {
      results.push({ name, ok: false, error: String(e && e.message) });
      show(name, false, String(e && e.message));
    }
  };
  const eq = (a, b, what) => { if (a !== b) throw new Error(`${what}: ${a} != ${b}`); };
  const member = (id) => V.members.find((m) => m.key_id === id);

  for (const c of V.payload_cases) {
    await check(`payload ${c.name}`, async () => {
      eq(canonicalJson(c.manifest), c.manifest_canonical, "manifest canonical");
      eq(toHex(await etb1.manifestHash(c.manifest)), c.manifest_hash, "manifest hash");
      eq(toHex(await etb1.contextHash(c.context)), c.context_hash, "context hash");
      const pt = formula(c.plaintext_size);
      eq(await hexSha(pt), c.plaintext_sha256, "plaintext");
      const r = await etb1.sealPayload(new Blob([pt]), {
        dek: fromHex(c.dek), contextHash: fromHex(c.context_hash), salt: fromHex(c.salt), noncePrefix: fromHex(c.nonce_prefix),
      });
      eq(toHex(r.header), c.header, "header");
      eq(toHex(r.headerHash), c.header_hash, "header hash");
      eq(toHex(r.root), c.root, "root");
      eq(r.size, c.size, "size");
      eq(r.chunks, c.chunks, "chunks");
      const blob = concat(...r.parts);
      eq(await hexSha(blob), c.blob_sha256, "blob sha256");
      const opened = await etb1.openPayload(new Blob([blob]), { dek: fromHex(c.dek), contextHash: fromHex(c.context_hash) });
      eq(await hexSha(opened.plaintext), c.plaintext_sha256, "opened plaintext");
      const tampered = blob.slice();
      tampered[tampered.length - 1] ^= 1;
      let rejected = false;
      try { await etb1.openPayload(tampered, { dek: fromHex(c.dek), contextHash: fromHex(c.context_hash) }); } catch { rejected = true; }
      if (!rejected) throw new Error("tampered blob opened");
      const shares = etb1.splitDek(fromHex(c.dek), c.shamir.k, c.shamir.n, { xs: c.shamir.xs, coefficients: c.shamir.coefficients });
      eq(shares.map(toHex).join(), c.shares.map((s) => s.share).join(), "shares");
      for (const [j, ss] of c.sealed_shares.entries()) {
        const m = member(ss.key_id);
        const share = await etb1.openShare({ sealed: ss.sealed_share, privateKey: fromHex(m.private_key_pkcs8), publicKey: m.public_key, contextHash: c.context_hash, keyId: ss.key_id });
        eq(toHex(share), c.shares[j].share, "opened share");
        const viaScalar = await etb1.openShare({ sealed: ss.sealed_share, privateKey: fromHex(m.private_scalar), publicKey: m.public_key, contextHash: c.context_hash, keyId: ss.key_id });
        eq(toHex(viaScalar), c.shares[j].share, "opened share (raw scalar key)");
      }
    });
  }
  await check("wrong share fails the key commitment", async () => {
    const w = V.wrong_share;
    const c = V.payload_cases.find((x) => x.name === w.case);
    eq(toHex(etb1.shamir.combine([fromHex(w.bad_share), fromHex(w.good_shares[0])])), w.combine_bad_with_first, "wrong combine");
    let rejected = false;
    try { await etb1.recoverDek([w.bad_share, w.good_shares[0]], 2, c.salt, c.key_commit); } catch (e) { rejected = /KeyCommitMismatch/.test(e.message); }
    if (!rejected) throw new Error("wrong share accepted");
    const { used } = await etb1.recoverDek(w.identify_input, 2, c.salt, c.key_commit);
    if (used.includes(w.identify_bad_index)) throw new Error("bad share not identified");
  });
  for (const wk of V.member_key_wrap) {
    await check(`member key unwrap ${wk.key_id}`, async () => {
      const key = await etb1.unwrapMemberKey(wk.stored, wk.passphrase);
      eq(toHex(key.publicKey), wk.stored.public_key, "public key");
      const again = await etb1.wrapMemberKey(fromHex(wk.private_key_pkcs8), { keyId: wk.key_id, passphrase: wk.passphrase, iterations: wk.stored.iterations, salt: wk.stored.salt, nonce: wk.stored.nonce });
      eq(again.wrapped, wk.stored.wrapped, "re-wrapped");
      let rejected = false;
      try { await etb1.unwrapMemberKey(wk.stored, wk.wrong_passphrase); } catch { rejected = true; }
      if (!rejected) throw new Error("wrong passphrase accepted");
    });
  }
  await check("tar bytes equal Python tarfile", async () => {
    const files = V.tar.files.map((f) => ({ name: f.name, data: new Blob([utf8(f.content_utf8)]), mtime: f.mtime }));
    eq(await hexSha(new Uint8Array(await etb1.tarBlob(files).arrayBuffer())), V.tar.tar_sha256, "tar");
    eq(await hexSha(new Uint8Array(await etb1.plaintextBlob(files).arrayBuffer())), V.tar.padded_sha256, "padded");
  });
  await check("receipt and tree head verify (Ed25519)", async () => {
    if (!(await etb1.verifySignedReceipt(V.receipt.signed, V.receipt.public_key))) throw new Error("receipt");
    if (!(await etb1.verifyReceipt(V.tree_head.tree_head, V.tree_head.signature, V.tree_head.public_key))) throw new Error("tree head");
    if (await etb1.verifyReceipt({ ...V.receipt.receipt, size: V.receipt.receipt.size + 1 }, V.receipt.signature, V.receipt.public_key)) throw new Error("tampered receipt verified");
  });
  await check("Merkle roots and proofs", async () => {
    const leaves = await Promise.all(V.merkle.entries.map((e) => etb1.leafHash(utf8(e))));
    eq(leaves.map(toHex).join(), V.merkle.leaves.join(), "leaves");
    for (const [n, root] of Object.entries(V.merkle.roots)) eq(toHex(await etb1.rootFromLeafHashes(leaves.slice(0, Number(n)))), root, `root ${n}`);
    for (const p of V.merkle.inclusion) {
      eq((await etb1.inclusionProof(leaves.slice(0, p.tree_size), p.index)).map(toHex).join(), p.path.join(), "inclusion");
      if (!(await etb1.verifyInclusion(fromHex(p.leaf), p.index, p.tree_size, p.path.map(fromHex), fromHex(p.root)))) throw new Error("inclusion verify");
    }
    for (const p of V.merkle.consistency) {
      eq((await etb1.consistencyProof(leaves.slice(0, p.new_size), p.old_size)).map(toHex).join(), p.path.join(), "consistency");
      if (!(await etb1.verifyConsistency(p.old_size, p.new_size, fromHex(p.old_root), fromHex(p.new_root), p.path.map(fromHex)))) throw new Error("consistency verify");
    }
  });
  const failed = results.filter((r) => !r.ok);
  return { passed: results.length - failed.length, failed };
}

/**
 * Seal generated files to a committee (as the bid page will) and return the blob (base64),
 * the digest and the sealed shares; optionally a member unwraps its key and opens its share.
 */
async function sealGenerated({ manifest, manifestHash, context, size, mtime, member }) {
  const files = [
    { name: "tilbud-æøå.bin", data: new Blob([formula(size)]) },
    { name: "vedlegg.txt", data: new Blob([utf8("Pris: 1 234 567 NOK\n")]) },
  ];
  const parts = [];
  const progress = [];
  const t0 = performance.now();
  const r = await etb1.sealEnvelope({
    manifest, expectedManifestHash: manifestHash, context, files, mtime,
    onProgress: (done, total) => { progress.push(done); setProgress(done, total); },
    onPart: async (p) => { parts.push(p.bytes); },
  });
  const ms = performance.now() - t0;
  const blob = new Blob(parts);
  const out = {
    ms, progressCalls: progress.length, plaintextSize: r.plaintextSize,
    contextHash: toHex(r.contextHash), headerHash: toHex(r.headerHash), root: toHex(r.root), size: r.size, chunks: r.chunks,
    sealedShares: r.sealedShares.map((s) => ({ key_id: s.key_id, sealed_share: toHex(s.sealed_share) })),
    blobBase64: await blobToBase64(blob),
  };
  if (member) {
    const key = await etb1.unwrapMemberKey(member.stored, member.passphrase);
    const ss = out.sealedShares.find((s) => s.key_id === key.keyId);
    out.memberShare = toHex(await etb1.openMemberShare({ memberKey: key, context, sealedShare: ss.sealed_share }));
  }
  show(`sealed ${files.length} files (${r.plaintextSize} plaintext bytes) into ${r.chunks} chunks in ${ms.toFixed(0)} ms`, true);
  return out;
}

/** Benchmark: seal `mib` MiB (payload and whole envelope) vs raw AES-GCM + SHA-256 over the same 1 MiB slices. */
async function bench({ mib = 100, manifest, manifestHash, context, rounds = 2 }) {
  const MiB = 1048576;
  const block = etb1.randomBytes(MiB);
  const blob = new Blob(Array.from({ length: mib }, (_, i) => { const b = block.slice(); b[0] = i; return b; }));
  const total = blob.size;
  const results = { mib, rounds: [] };

  async function baseline() {
    const key = await crypto.subtle.generateKey({ name: "AES-GCM", length: 256 }, false, ["encrypt"]);
    const iv = new Uint8Array(12);
    const t0 = performance.now();
    for (let i = 0; i < mib; i++) {
      const pt = await blob.slice(i * MiB, (i + 1) * MiB).arrayBuffer();
      iv[11] = i & 0xff; iv[10] = i >> 8;
      const ct = await crypto.subtle.encrypt({ name: "AES-GCM", iv, additionalData: iv }, key, pt);
      await crypto.subtle.digest("SHA-256", ct);
    }
    return performance.now() - t0;
  }
  async function payload() {
    let calls = 0;
    const t0 = performance.now();
    await etb1.sealPayload(blob, {
      dek: etb1.randomBytes(32), contextHash: etb1.randomBytes(32),
      onProgress: (d, t) => { calls++; if (calls % 10 === 0 || d === t) setProgress(d, t); },
      onPart: async () => {}, // ciphertext discarded after hashing
    });
    return performance.now() - t0;
  }
  async function envelope() {
    const t0 = performance.now();
    await etb1.sealEnvelope({
      manifest, expectedManifestHash: manifestHash, context, files: [{ name: "bench.bin", data: blob }],
      onProgress: (d, t) => setProgress(d, t), onPart: async () => {},
    });
    return performance.now() - t0;
  }
  for (let r = 0; r < rounds; r++) {
    const b = await baseline();
    const p = await payload();
    const e = manifest ? await envelope() : null;
    results.rounds.push({ baselineMs: b, payloadMs: p, envelopeMs: e });
  }
  const best = (k) => Math.min(...results.rounds.map((r) => r[k]).filter((x) => x !== null));
  const mibs = (ms) => (total / MiB) / (ms / 1000);
  results.baselineMiBs = mibs(best("baselineMs"));
  results.payloadMiBs = mibs(best("payloadMs"));
  results.envelopeMiBs = manifest ? mibs(best("envelopeMs")) : null;
  results.payloadRatio = results.payloadMiBs / results.baselineMiBs;
  results.envelopeRatio = manifest ? results.envelopeMiBs / results.baselineMiBs : null;
  results.userAgent = navigator.userAgent;
  show(`bench ${mib} MiB: seal ${results.payloadMiBs.toFixed(1)} MiB/s, raw AES-GCM+SHA-256 ${results.baselineMiBs.toFixed(1)} MiB/s (ratio ${results.payloadRatio.toFixed(2)})`, true);
  return results;
}

/** Member enrolment with the production PBKDF2 cost (600 000 iterations), then unwrap. */
async function enrolDefault({ keyId, passphrase }) {
  const t0 = performance.now();
  const { record, publicKey } = await etb1.enrolMemberKey({ keyId, passphrase });
  const t1 = performance.now();
  const key = await etb1.unwrapMemberKey(record, passphrase);
  const t2 = performance.now();
  show(`enrolled ${keyId} (PBKDF2 ${record.iterations}): wrap ${(t1 - t0).toFixed(0)} ms, unwrap ${(t2 - t1).toFixed(0)} ms`, true);
  return { record, publicKey: toHex(publicKey), unwrappedPublicKey: toHex(key.publicKey), wrapMs: t1 - t0, unwrapMs: t2 - t1 };
}

window.etb1Harness = { runVectors, sealGenerated, bench, enrolDefault, etb1 };
$("status").textContent = `ready (secure context: ${window.isSecureContext})`;
$("status").dataset.ready = "1";
