// Shamir secret sharing over GF(2^8), reduction polynomial 0x11B (the AES field), byte by byte
// (ETB-1 §6). A share is y (len(secret) bytes) || x (1 byte); the format of HashiCorp Vault and
// of the npm package `shamir-secret-sharing`.

import { randomBytes } from "./util.js";

/** GF(2^8) multiplication mod 0x11B without tables or data-dependent branches. */
export function gfMul(a, b) {
  let r = 0;
  for (let i = 0; i < 8; i++) {
    r ^= -(b & 1) & a;
    const hi = -((a >> 7) & 1);
    a = ((a << 1) ^ (hi & 0x11b)) & 0xff;
    b >>= 1;
  }
  return r & 0xff;
}

/** Multiplicative inverse (a^254); gfInv(0) = 0. */
export function gfInv(a) {
  // a^254 = a^(2+4+8+16+32+64+128)
  let r = 1;
  let p = gfMul(a, a); // a^2
  for (let i = 1; i < 8; i++) {
    r = gfMul(r, p);
    p = gfMul(p, p);
  }
  return r;
}

function evalPoly(coeffs, x) {
  // Horner; coeffs[0] is the constant term.
  let y = 0;
  for (let d = coeffs.length - 1; d >= 0; d--) y = gfMul(y, x) ^ coeffs[d];
  return y;
}

function randomDistinctXs(n) {
  // A uniformly random ordering of 1..255 (Fisher-Yates with rejection sampling); take n.
  const xs = Array.from({ length: 255 }, (_, i) => i + 1);
  for (let i = 254; i > 0; i--) {
    let r;
    do {
      r = randomBytes(1)[0];
    } while (r >= 256 - (256 % (i + 1)));
    const j = r % (i + 1);
    [xs[i], xs[j]] = [xs[j], xs[i]];
  }
  return xs.slice(0, n);
}

function randomNonZeroByte() {
  for (;;) {
    const b = randomBytes(1)[0];
    if (b !== 0) return b;
  }
}

/**
 * Split `secret` (Uint8Array) into n shares, any k of which reconstruct it.
 * Options for fixed test vectors only:
 *   xs: n distinct non-zero x coordinates;
 *   coefficients: coefficients[j] = [c_1, ..., c_{k-1}] for secret byte j (c_{k-1} != 0).
 * Returns an array of n Uint8Arrays, each y || x.
 */
export function split(secret, k, n, { xs, coefficients } = {}) {
  if (!(secret instanceof Uint8Array) || secret.length === 0) throw new TypeError("secret must be non-empty bytes");
  if (!Number.isInteger(k) || !Number.isInteger(n) || k < 2 || n < k || n > 255) {
    throw new RangeError("need 2 <= k <= n <= 255");
  }
  if (xs === undefined) xs = randomDistinctXs(n);
  if (xs.length !== n || new Set(xs).size !== n || xs.some((x) => !Number.isInteger(x) || x < 1 || x > 255)) {
    throw new RangeError("xs must be n distinct values in 1..255");
  }
  if (coefficients !== undefined && coefficients.length !== secret.length) {
    throw new RangeError("coefficients must have one row per secret byte");
  }
  const shares = xs.map((x) => {
    const s = new Uint8Array(secret.length + 1);
    s[secret.length] = x;
    return s;
  });
  const poly = new Uint8Array(k);
  for (let j = 0; j < secret.length; j++) {
    poly[0] = secret[j];
    if (coefficients !== undefined) {
      const row = coefficients[j];
      if (row.length !== k - 1 || row[k - 2] === 0) throw new RangeError("bad coefficient row");
      for (let d = 1; d < k; d++) poly[d] = row[d - 1];
    } else {
      const r = randomBytes(k - 1);
      for (let d = 1; d < k; d++) poly[d] = r[d - 1];
      if (poly[k - 1] === 0) poly[k - 1] = randomNonZeroByte();
      r.fill(0);
    }
    for (let i = 0; i < n; i++) shares[i][j] = evalPoly(poly, xs[i]);
  }
  poly.fill(0);
  return shares;
}

/** Reconstruct the secret from shares (each y || x) by Lagrange interpolation at 0. */
export function combine(shares) {
  if (!Array.isArray(shares) || shares.length < 2) throw new RangeError("need at least two shares");
  const len = shares[0].length;
  if (len < 2 || shares.some((s) => !(s instanceof Uint8Array) || s.length !== len)) {
    throw new RangeError("shares must be byte arrays of equal length");
  }
  const xs = shares.map((s) => s[len - 1]);
  if (xs.some((x) => x === 0) || new Set(xs).size !== xs.length) throw new RangeError("share x values must be distinct and non-zero");
  // Lagrange basis at 0: l_i = prod_{m != i} x_m / (x_m ^ x_i)
  const basis = xs.map((xi, i) => {
    let num = 1, den = 1;
    xs.forEach((xm, m) => {
      if (m !== i) {
        num = gfMul(num, xm);
        den = gfMul(den, xm ^ xi);
      }
    });
    return gfMul(num, gfInv(den));
  });
  const out = new Uint8Array(len - 1);
  for (let j = 0; j < len - 1; j++) {
    let v = 0;
    for (let i = 0; i < shares.length; i++) v ^= gfMul(shares[i][j], basis[i]);
    out[j] = v;
  }
  return out;
}
