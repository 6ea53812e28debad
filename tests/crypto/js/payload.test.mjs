import test from "node:test";
import assert from "node:assert/strict";
import { lib, rejects, formulaPlaintext } from "./helpers.mjs";

const P = await lib("payload.js");
const { randomBytes, sha256, concat, toHex } = await lib("util.js");
const { merkleRoot } = await lib("merkle.js");

const CS = 4096; // small chunk size keeps the unit tests fast; vectors use 1 MiB

async function sealAll(pt, opts) {
  return P.sealPayload(pt, { chunkSize: CS, ...opts });
}

test("round trip at chunk boundaries, Blob and Uint8Array sources", async () => {
  const dek = randomBytes(32), ctx = randomBytes(32);
  for (const size of [0, 1, CS - 1, CS, CS + 1, 3 * CS, 3 * CS + 17]) {
    const pt = formulaPlaintext(size);
    const progress = [];
    const r = await sealAll(new Blob([pt]), { dek, contextHash: ctx, onProgress: (d, t) => progress.push([d, t]) });
    const n = Math.max(1, Math.ceil(size / CS));
    assert.equal(r.chunks, n);
    assert.equal(r.size, 115 + size + 16 * n);
    assert.equal(r.size, P.sealedSize(size, CS));
    assert.equal(r.parts.length, n + 1);
    assert.deepEqual(progress.at(-1), [size, size]);
    assert.equal(progress.length, n);
    assert.deepEqual(r.headerHash, await sha256(r.header));
    assert.deepEqual(r.root, await merkleRoot(r.parts.slice(1)));
    const blob = concat(...r.parts);
    const o = await P.openPayload(blob, { dek, contextHash: ctx, chunkSize: CS });
    assert.deepEqual(o.plaintext, pt);
    assert.deepEqual(o.root, r.root);
    assert.equal(o.chunks, n);
    const o2 = await P.openPayload(new Blob([blob]), { dek, contextHash: ctx, chunkSize: CS });
    assert.deepEqual(o2.plaintext, pt);
  }
});

test("header layout and nonces", async () => {
  const dek = randomBytes(32), ctx = randomBytes(32), salt = randomBytes(32), np = randomBytes(7);
  const r = await sealAll(formulaPlaintext(10), { dek, contextHash: ctx, salt, noncePrefix: np });
  const h = P.parseHeader(r.header);
  assert.equal(new TextDecoder().decode(r.header.subarray(0, 8)), "ETBIDv1\0");
  assert.equal(h.chunkSize, CS);
  assert.deepEqual(h.salt, salt);
  assert.deepEqual(h.noncePrefix, np);
  assert.deepEqual(h.contextHash, ctx);
  assert.deepEqual(h.keyCommit, (await P.deriveKeys(dek, salt)).keyCommit);
  assert.equal(toHex(P.chunkNonce(np, 2, true)), toHex(np) + "0000000201");
  // fresh salt/nonce prefix by default
  const r2 = await sealAll(formulaPlaintext(10), { dek, contextHash: ctx });
  assert.notDeepEqual(r2.header.subarray(12, 51), r.header.subarray(12, 51));
});

test("default chunk size is 1 MiB", async () => {
  const r = await P.sealPayload(new Uint8Array(1048577), { dek: randomBytes(32), contextHash: randomBytes(32) });
  assert.equal(r.chunks, 2);
  assert.equal(r.parts[1].length, 1048576 + 16);
});

test("tampering is rejected", async () => {
  const dek = randomBytes(32), ctx = randomBytes(32);
  const pt = formulaPlaintext(3 * CS + 5);
  const r = await sealAll(pt, { dek, contextHash: ctx });
  const blob = concat(...r.parts);
  const open = (b, o = {}) => P.openPayload(b, { dek, contextHash: ctx, chunkSize: CS, ...o });
  const flip = (pos) => { const b = blob.slice(); b[pos] ^= 1; return b; };
  await rejects(open(flip(0)), /magic/);
  await rejects(open(flip(11)), /chunk size/);
  await rejects(open(flip(20)), /commitment/); // salt
  await rejects(open(flip(60)), /commitment/); // key_commit
  await rejects(open(flip(47)), /authentication/); // nonce prefix
  await rejects(open(flip(100)), /context/);
  await rejects(open(flip(115 + 5)), /chunk 0 failed/);
  await rejects(open(flip(blob.length - 1)), /chunk 3 failed/);
  await rejects(open(blob.subarray(0, blob.length - 1)), /authentication/); // truncated last chunk
  await rejects(open(blob.subarray(0, 115 + 3 * (CS + 16))), /chunk 2 failed/); // last chunk dropped
  await rejects(open(blob.subarray(0, 115)), /missing last chunk/);
  await rejects(open(blob.subarray(0, 100)), /truncated header/);
  await rejects(open(concat(blob, new Uint8Array(1))), /authentication|malformed/); // byte after the last chunk
  await rejects(open(concat(blob, new Uint8Array(CS + 16))), /authentication/);
  // chunks swapped
  const swapped = concat(r.parts[0], r.parts[2], r.parts[1], r.parts[3], r.parts[4]);
  await rejects(open(swapped), /chunk 0 failed/);
  await rejects(open(blob, { dek: randomBytes(32) }), /commitment/);
  await rejects(open(blob, { contextHash: randomBytes(32) }), /context/);
  await rejects(open(blob, { chunkSize: CS * 2 }), /chunk size/);
});

test("no secret material in error messages", async () => {
  const dek = randomBytes(32), ctx = randomBytes(32);
  const r = await sealAll(formulaPlaintext(100), { dek, contextHash: ctx });
  const blob = concat(...r.parts);
  blob[130] ^= 1;
  const e = await rejects(P.openPayload(blob, { dek, contextHash: ctx, chunkSize: CS }));
  assert.ok(!String(e.message).includes(toHex(dek)));
  assert.ok(!String(e.stack).includes(toHex(dek)));
});
