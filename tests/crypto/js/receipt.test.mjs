import test from "node:test";
import assert from "node:assert/strict";
import { lib } from "./helpers.mjs";

const R = await lib("receipt.js");
const { canonicalBytes } = await lib("canonical.js");
const { subtle } = await lib("util.js");

test("Ed25519 receipt verify", async () => {
  const kp = await subtle.generateKey({ name: "Ed25519" }, true, ["sign", "verify"]);
  const pub = new Uint8Array(await subtle.exportKey("raw", kp.publicKey));
  const receipt = { v: "ETB1-receipt", submission: "s1", tender: "t1", bidder: "b1", context_hash: "00".repeat(32),
    header_hash: "11".repeat(32), root: "22".repeat(32), size: 1000, chunks: 1,
    received_at: "2026-11-21T10:15:30.123456Z", sealing: "client", log_index: 7 };
  const sig = new Uint8Array(await subtle.sign({ name: "Ed25519" }, kp.privateKey, canonicalBytes(receipt)));
  assert.equal(await R.verifyReceipt(receipt, sig, pub), true);
  assert.equal(await R.verifyReceipt({ ...receipt, size: 1001 }, sig, pub), false);
  const bad = sig.slice(); bad[0] ^= 1;
  assert.equal(await R.verifyReceipt(receipt, bad, pub), false);
  assert.equal(await R.verifyReceipt(receipt, sig.subarray(0, 63), pub), false);
  assert.ok(R.receiptMatches(receipt, { contextHash: "00".repeat(32), headerHash: "11".repeat(32), root: "22".repeat(32), size: 1000, chunks: 1 }));
  assert.ok(!R.receiptMatches(receipt, { contextHash: "00".repeat(32), headerHash: "11".repeat(32), root: "22".repeat(32), size: 1000, chunks: 2 }));
});
