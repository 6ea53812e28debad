// RFC 9162 Merkle Tree Hash, inclusion and consistency proofs over SHA-256 (ETB-1 §5, §10).

import { concat, ctEqual, sha256 } from "./util.js";

const LEAF = new Uint8Array([0]);
const NODE = new Uint8Array([1]);

/** leaf hash = SHA-256(0x00 || data) */
export function leafHash(data) {
  return sha256(concat(LEAF, data));
}

/** node hash = SHA-256(0x01 || left || right) */
export function nodeHash(left, right) {
  return sha256(concat(NODE, left, right));
}

function largestPow2Below(n) {
  let k = 1;
  while (k * 2 < n) k *= 2;
  return k;
}

/** Merkle Tree Hash over leaf hashes (root of an empty tree = SHA-256("")). */
export async function rootFromLeafHashes(leaves) {
  if (leaves.length === 0) return sha256(new Uint8Array(0));
  if (leaves.length === 1) return leaves[0];
  const k = largestPow2Below(leaves.length);
  return nodeHash(await rootFromLeafHashes(leaves.slice(0, k)), await rootFromLeafHashes(leaves.slice(k)));
}

/** Merkle Tree Hash over raw entries. */
export async function merkleRoot(entries) {
  const leaves = [];
  for (const e of entries) leaves.push(await leafHash(e));
  return rootFromLeafHashes(leaves);
}

/**
 * Streaming Merkle tree: add leaf hashes one at a time, memory O(log n).
 * Keeps the roots of perfect subtrees (a compact range); root() folds them right to left.
 */
export class MerkleStream {
  constructor() {
    this.stack = []; // [{size, hash}] with strictly decreasing sizes
    this.size = 0;
  }

  async addLeafHash(h) {
    let node = { size: 1, hash: h };
    while (this.stack.length && this.stack[this.stack.length - 1].size === node.size) {
      const left = this.stack.pop();
      node = { size: left.size * 2, hash: await nodeHash(left.hash, node.hash) };
    }
    this.stack.push(node);
    this.size += 1;
  }

  async addEntry(data) {
    await this.addLeafHash(await leafHash(data));
  }

  async root() {
    if (this.stack.length === 0) return sha256(new Uint8Array(0));
    let h = this.stack[this.stack.length - 1].hash;
    for (let i = this.stack.length - 2; i >= 0; i--) h = await nodeHash(this.stack[i].hash, h);
    return h;
  }
}

/** RFC 9162 §2.1.3.1 inclusion proof (audit path) for leaf m in leaves[0:n]. */
export async function inclusionProof(leaves, m) {
  if (!(m >= 0 && m < leaves.length)) throw new RangeError("leaf index out of range");
  async function path(m, d) {
    if (d.length <= 1) return [];
    const k = largestPow2Below(d.length);
    if (m < k) return [...(await path(m, d.slice(0, k))), await rootFromLeafHashes(d.slice(k))];
    return [...(await path(m - k, d.slice(k))), await rootFromLeafHashes(d.slice(0, k))];
  }
  return path(m, leaves);
}

/** RFC 9162 §2.1.4.1 consistency proof between tree sizes m and n = leaves.length. */
export async function consistencyProof(leaves, m) {
  const n = leaves.length;
  if (!(m >= 1 && m <= n)) throw new RangeError("old size out of range");
  async function subproof(m, d, b) {
    const n = d.length;
    if (m === n) return b ? [] : [await rootFromLeafHashes(d)];
    const k = largestPow2Below(n);
    if (m <= k) return [...(await subproof(m, d.slice(0, k), b)), await rootFromLeafHashes(d.slice(k))];
    return [...(await subproof(m - k, d.slice(k), false)), await rootFromLeafHashes(d.slice(0, k))];
  }
  return subproof(m, leaves, true);
}

/** RFC 9162 §2.1.3.2: verify an inclusion proof. */
export async function verifyInclusion(leafHashValue, index, treeSize, proof, root) {
  if (!(index >= 0 && index < treeSize)) return false;
  let fn = index, sn = treeSize - 1;
  let r = leafHashValue;
  for (const p of proof) {
    if (sn === 0) return false;
    if (fn % 2 === 1 || fn === sn) {
      r = await nodeHash(p, r);
      if (fn % 2 === 0) {
        while (fn % 2 === 0 && fn !== 0) { fn = Math.floor(fn / 2); sn = Math.floor(sn / 2); }
      }
    } else {
      r = await nodeHash(r, p);
    }
    fn = Math.floor(fn / 2);
    sn = Math.floor(sn / 2);
  }
  return sn === 0 && ctEqual(r, root);
}

/** RFC 9162 §2.1.4.2: verify a consistency proof between (m, oldRoot) and (n, newRoot). */
export async function verifyConsistency(m, n, oldRoot, newRoot, proof) {
  if (m < 1 || m > n) return false;
  if (m === n) return proof.length === 0 && ctEqual(oldRoot, newRoot);
  let p = proof.slice();
  if ((m & (m - 1)) === 0) p = [oldRoot, ...p];
  if (p.length === 0) return false;
  let fn = m - 1, sn = n - 1;
  while (fn % 2 === 1) { fn = Math.floor(fn / 2); sn = Math.floor(sn / 2); }
  let fr = p[0], sr = p[0];
  for (const c of p.slice(1)) {
    if (sn === 0) return false;
    if (fn % 2 === 1 || fn === sn) {
      fr = await nodeHash(c, fr);
      sr = await nodeHash(c, sr);
      if (fn % 2 === 0) {
        while (fn % 2 === 0 && fn !== 0) { fn = Math.floor(fn / 2); sn = Math.floor(sn / 2); }
      }
    } else {
      sr = await nodeHash(sr, c);
    }
    fn = Math.floor(fn / 2);
    sn = Math.floor(sn / 2);
  }
  return sn === 0 && ctEqual(fr, oldRoot) && ctEqual(sr, newRoot);
}
