import test from "node:test";
import assert from "node:assert/strict";
import { lib } from "./helpers.mjs";

const m = await lib("merkle.js");
const { sha256, utf8, toHex, concat } = await lib("util.js");

test("empty, one, two leaves", async () => {
  assert.equal(toHex(await m.merkleRoot([])), "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855");
  const l0 = await sha256(concat(new Uint8Array([0]), utf8("a")));
  assert.deepEqual(await m.merkleRoot([utf8("a")]), l0);
  const l1 = await sha256(concat(new Uint8Array([0]), utf8("b")));
  assert.deepEqual(await m.merkleRoot([utf8("a"), utf8("b")]), await sha256(concat(new Uint8Array([1]), l0, l1)));
});

test("streaming root equals recursive MTH; proofs verify; tampered proofs fail", async () => {
  const leaves = [];
  const stream = new m.MerkleStream();
  for (let n = 1; n <= 13; n++) {
    const leaf = await m.leafHash(utf8(`entry ${n}`));
    leaves.push(leaf);
    await stream.addLeafHash(leaf);
    const root = await m.rootFromLeafHashes(leaves);
    assert.deepEqual(await stream.root(), root, `n=${n}`);
    for (let i = 0; i < n; i++) {
      const proof = await m.inclusionProof(leaves, i);
      assert.ok(await m.verifyInclusion(leaves[i], i, n, proof, root), `incl ${i}/${n}`);
      if (proof.length) {
        const bad = proof.map((p) => p.slice());
        bad[0][0] ^= 1;
        assert.equal(await m.verifyInclusion(leaves[i], i, n, bad, root), false);
      }
      if (n > 1) assert.equal(await m.verifyInclusion(leaves[i], (i + 1) % n, n, proof, root), false);
    }
    for (let old = 1; old <= n; old++) {
      const oldRoot = await m.rootFromLeafHashes(leaves.slice(0, old));
      const proof = await m.consistencyProof(leaves, old);
      assert.ok(await m.verifyConsistency(old, n, oldRoot, root, proof), `cons ${old}/${n}`);
      if (old < n) assert.equal(await m.verifyConsistency(old, n, root, root, proof), false);
    }
  }
});
