import test from "node:test";
import assert from "node:assert/strict";
import { lib } from "./helpers.mjs";

const { split, combine, gfMul, gfInv } = await lib("shamir.js");
const { randomBytes } = await lib("util.js");

test("GF(2^8) mod 0x11B: known products and inverses", () => {
  assert.equal(gfMul(0x57, 0x83), 0xc1); // FIPS-197 example
  assert.equal(gfMul(0x57, 0x13), 0xfe);
  for (let a = 1; a < 256; a++) assert.equal(gfMul(a, gfInv(a)), 1);
});

test("any k of n shares reconstruct; fewer give something else", () => {
  const secret = randomBytes(32);
  const shares = split(secret, 3, 5);
  assert.equal(shares.length, 5);
  for (const s of shares) assert.equal(s.length, 33);
  assert.equal(new Set(shares.map((s) => s[32])).size, 5);
  for (const idx of [[0, 1, 2], [4, 2, 0], [1, 3, 4], [0, 1, 2, 3, 4]]) {
    assert.deepEqual(combine(idx.map((i) => shares[i])), secret);
  }
  assert.notDeepEqual(combine([shares[0], shares[1]]), secret);
});

test("injected xs and coefficients are used as given", () => {
  const secret = new Uint8Array(32).fill(7);
  const coefficients = Array.from({ length: 32 }, (_, j) => [j + 1]);
  const shares = split(secret, 2, 2, { xs: [1, 2], coefficients });
  // y = 7 ^ c*x
  assert.equal(shares[0][0], 7 ^ 1);
  assert.equal(shares[1][0], 7 ^ gfMul(1, 2));
  assert.equal(shares[0][32], 1);
  assert.deepEqual(combine(shares), secret);
  assert.throws(() => split(secret, 2, 2, { xs: [1, 1] }));
  assert.throws(() => split(secret, 2, 2, { xs: [0, 1] }));
  assert.throws(() => split(secret, 2, 2, { xs: [1, 2], coefficients: coefficients.map(() => [0]) }));
});

test("parameter checks", () => {
  assert.throws(() => split(randomBytes(32), 1, 3));
  assert.throws(() => split(randomBytes(32), 4, 3));
  assert.throws(() => split(randomBytes(32), 2, 256));
  const s = split(randomBytes(32), 2, 3);
  assert.throws(() => combine([s[0]]));
  assert.throws(() => combine([s[0], s[0]]));
});
