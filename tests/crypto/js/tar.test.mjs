import test from "node:test";
import assert from "node:assert/strict";
import { lib } from "./helpers.mjs";

const T = await lib("tar.js");

test("empty archive is one 10240-byte record of zeros", async () => {
  const b = new Uint8Array(await T.tarBlob([]).arrayBuffer());
  assert.equal(b.length, 10240);
  assert.ok(b.every((x) => x === 0));
});

test("ustar header fields and checksum", () => {
  const h = T.fileHeader("a.txt", 5, 1767225600);
  assert.equal(h.length, 512);
  const s = (a, b) => new TextDecoder().decode(h.subarray(a, b));
  assert.equal(s(0, 6), "a.txt\0");
  assert.equal(s(100, 108), "0000644\0");
  assert.equal(s(108, 116), "0000000\0");
  assert.equal(s(124, 136), "00000000005\0");
  assert.equal(s(136, 148), "15125334400\0");
  assert.equal(s(156, 157), "0");
  assert.equal(s(257, 265), "ustar\x0000");
  let sum = 0;
  for (let i = 0; i < 512; i++) sum += i >= 148 && i < 156 ? 32 : h[i];
  assert.equal(s(148, 156), sum.toString(8).padStart(6, "0") + "\0 ");
  assert.ok(h.subarray(329, 512).every((x) => x === 0));
});

test("pax header for non-ASCII and long names", () => {
  const h = T.fileHeader("tilbud-æøå.pdf", 1, 0);
  assert.equal(h.length, 512 * 3);
  const s = new TextDecoder().decode(h);
  assert.ok(s.startsWith("././@PaxHeader\0"));
  assert.equal(s.charAt(156), "x");
  assert.ok(s.includes("26 path=tilbud-æøå.pdf\n")); // UTF-8 length 29
  assert.equal(new TextDecoder().decode(h.subarray(1024, 1024 + 15)), "tilbud-???.pdf\0");
  assert.equal(T.fileHeader("x".repeat(100), 1, 0).length, 512);
  assert.equal(T.fileHeader("x".repeat(101), 1, 0).length, 1536);
  const big = new TextDecoder().decode(T.fileHeader("big", 8 ** 11, 0));
  assert.ok(big.includes(" size=8589934592\n"));
});

test("name checks", () => {
  for (const bad of ["", ".", "..", "a/b", "a\\b", "a\0b"]) assert.throws(() => T.fileHeader(bad, 0, 0));
  assert.throws(() => T.tarParts([{ name: "a", data: new Uint8Array(1) }, { name: "a", data: new Uint8Array(1) }]));
});

test("readTar round trip and padding", async () => {
  const files = [
    { name: "b.txt", data: new TextEncoder().encode("hello") },
    { name: "å".repeat(120), data: new Uint8Array(1000).fill(9) },
    { name: "empty", data: new Uint8Array(0) },
  ];
  const pt = new Uint8Array(await T.plaintextBlob(files, { mtime: 42, chunkSize: 65536 }).arrayBuffer());
  assert.equal(pt.length, 65536);
  const out = T.readTar(pt);
  assert.deepEqual(out.map((f) => f.name), files.map((f) => f.name));
  out.forEach((f, i) => { assert.deepEqual(f.data, files[i].data); assert.equal(f.mtime, 42); });
  assert.deepEqual(T.sortFilesByName([{ name: "b" }, { name: "😀" }, { name: "\uffff" }, { name: "a" }]).map((f) => f.name), ["a", "b", "\uffff", "😀"]);
});
