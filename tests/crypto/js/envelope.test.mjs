import test from "node:test";
import assert from "node:assert/strict";
import { lib, rejects } from "./helpers.mjs";

const E = await lib("envelope.js");
const M = await lib("memberkey.js");
const { toHex, concat, utf8, fromHex } = await lib("util.js");
const { SEALED_SHARE_LENGTH } = await lib("shares.js");

async function committee(n, k, iterations = 1000) {
  const enrolled = [];
  for (let i = 0; i < n; i++) {
    enrolled.push(await M.enrolMemberKey({ keyId: `member-${i + 1}`, passphrase: `pass ${i}`, iterations }));
  }
  const manifest = { tender: "T-2026-1", k, members: enrolled.map((e) => ({ key_id: e.record.key_id, public_key: e.record.public_key })) };
  const manifestHash = toHex(await E.manifestHash(manifest));
  const context = { bidder: "org-1", envelope: "offer", k, manifest: manifestHash, n, submission: "sub-1", tender: manifest.tender };
  return { enrolled, manifest, manifestHash, context };
}

test("seal to 2-of-3, members open their shares, k shares open the envelope", async () => {
  const { enrolled, manifest, manifestHash, context } = await committee(3, 2);
  const files = [
    { name: "tilbud.pdf", data: new Blob([new Uint8Array(70000).fill(1)]) },
    { name: "prisskjema-æøå.xlsx", data: utf8("pris") },
  ];
  const uploaded = [];
  const progress = [];
  const r = await E.sealEnvelope({
    manifest, expectedManifestHash: manifestHash, context, files, chunkSize: 16384,
    onProgress: (d, t) => progress.push([d, t]),
    onPart: async (p) => { uploaded.push({ offset: p.offset, bytes: p.bytes }); },
  });
  assert.equal(r.parts, undefined);
  assert.equal(r.sealedShares.length, 3);
  for (const s of r.sealedShares) assert.equal(s.sealed_share.length, SEALED_SHARE_LENGTH);
  let off = 0;
  for (const u of uploaded) { assert.equal(u.offset, off); off += u.bytes.length; }
  assert.equal(off, r.size);
  assert.equal(progress.at(-1)[0], r.plaintextSize);
  assert.equal(r.plaintextSize % 16384, 0);
  const blob = new Blob(uploaded.map((u) => u.bytes));

  const plain = [];
  for (const i of [2, 0]) {
    const key = await M.unwrapMemberKey(enrolled[i].record, `pass ${i}`);
    plain.push(await E.openMemberShare({ memberKey: key, context, sealedShare: r.sealedShares[i].sealed_share }));
  }
  // a member cannot open someone else's share
  const k1 = await M.unwrapMemberKey(enrolled[1].record, "pass 1");
  await rejects(E.openMemberShare({ memberKey: k1, context, sealedShare: r.sealedShares[0].sealed_share }), /does not open/);
  // nor its own share under another context
  await rejects(E.openMemberShare({ memberKey: k1, context: { ...context, bidder: "org-2" }, sealedShare: r.sealedShares[1].sealed_share }), /does not open/);
  await rejects(E.openMemberShare({ memberKey: k1, context, sealedShare: r.sealedShares[1].sealed_share, deadline: new Date(Date.now() + 60000) }), /deadline/);

  const opened = await E.openEnvelope({ sealed: blob, shares: plain, context, chunkSize: 16384 });
  assert.deepEqual(opened.root, r.root);
  assert.deepEqual(opened.files.map((f) => f.name), ["tilbud.pdf", "prisskjema-æøå.xlsx"]);
  assert.deepEqual(opened.files[0].data, new Uint8Array(70000).fill(1));
  assert.deepEqual(opened.files[1].data, utf8("pris"));
  // one share is not enough
  await rejects(E.openEnvelope({ sealed: blob, shares: [plain[0], plain[0].map((b, j) => (j === 32 ? b ^ 0x80 : b))], context, chunkSize: 16384 }), /commitment/);
});

test("manifest and context checks", async () => {
  const { manifest, manifestHash, context } = await committee(3, 2);
  const files = [{ name: "a", data: utf8("x") }];
  await rejects(E.sealEnvelope({ manifest, expectedManifestHash: "00".repeat(32), context, files }), /published manifest hash/);
  const m2 = { ...manifest, k: 3 };
  await rejects(E.sealEnvelope({ manifest: m2, expectedManifestHash: manifestHash, context, files }), /published manifest hash/);
  await rejects(E.sealEnvelope({ manifest, expectedManifestHash: manifestHash, context: { ...context, n: 4 }, files }), /k\/n/);
  await rejects(E.sealEnvelope({ manifest, expectedManifestHash: manifestHash, context: { ...context, tender: "x" }, files }), /tender/);
  await rejects(E.sealEnvelope({ manifest, expectedManifestHash: manifestHash, context: { ...context, extra: "1" }, files }), /fields/);
  const unsorted = { ...manifest, members: manifest.members.slice().reverse() };
  await rejects(E.sealEnvelope({ manifest: unsorted, expectedManifestHash: toHex(await E.manifestHash(unsorted)), context, files }), /sorted/);
  const dupKey = { ...manifest, members: [manifest.members[0], { ...manifest.members[1], public_key: manifest.members[0].public_key }] };
  await rejects(E.sealEnvelope({ manifest: dupKey, expectedManifestHash: toHex(await E.manifestHash(dupKey)), context, files }), /share a public key/);
  const offCurve = { ...manifest, members: [manifest.members[0], { ...manifest.members[1], public_key: "04" + "11".repeat(64) }] };
  await rejects(E.sealEnvelope({ manifest: offCurve, expectedManifestHash: toHex(await E.manifestHash(offCurve)), context, files }), /not a point/);
  const extra = { ...manifest, note: "x" };
  await rejects(E.sealEnvelope({ manifest: extra, expectedManifestHash: toHex(await E.manifestHash(extra)), context, files }), /exactly the keys/);
  assert.equal(E.findMember(manifest, "member-2", manifest.members[1].public_key), 1);
  assert.throws(() => E.findMember(manifest, "member-9", manifest.members[1].public_key), /not in the committee/);
  assert.throws(() => E.findMember(manifest, "member-1", manifest.members[1].public_key), /another public key/);
  const k1 = { ...manifest, k: 1 };
  await rejects(E.sealEnvelope({ manifest: k1, expectedManifestHash: toHex(await E.manifestHash(k1)), context, files }), /2 <= k/);
});

test("each seal uses a fresh DEK, salt and nonce prefix", async () => {
  const { manifest, manifestHash, context } = await committee(2, 2);
  const files = [{ name: "a", data: utf8("same") }];
  const a = await E.sealEnvelope({ manifest, expectedManifestHash: manifestHash, context, files });
  const b = await E.sealEnvelope({ manifest, expectedManifestHash: manifestHash, context, files });
  assert.notDeepEqual(a.header.subarray(12, 83), b.header.subarray(12, 83));
  assert.deepEqual(a.header.subarray(83), b.header.subarray(83)); // same context hash
  assert.notDeepEqual(a.root, b.root);
});

test("the DEK never leaves sealEnvelope and parts are collected without onPart", async () => {
  const { manifest, manifestHash, context } = await committee(2, 2);
  const r = await E.sealEnvelope({ manifest, expectedManifestHash: manifestHash, context, files: [{ name: "a", data: utf8("x") }] });
  assert.equal(r.dek, undefined);
  assert.equal(r.parts.length, 2);
  assert.equal(concat(...r.parts).length, r.size);
  assert.deepEqual(r.parts[0], r.header);
});
