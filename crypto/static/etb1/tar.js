// Tar writer byte-identical to Python's tarfile in PAX_FORMAT (ETB-1 §3):
// regular files at top level, mode 0o644, uid = gid = 0, empty uname/gname, given mtime;
// a "././@PaxHeader" extended header (type 'x') for non-ASCII or > 100-byte names and for
// sizes >= 8 GiB; two zero end blocks; zero fill to a multiple of the 10240-byte record.
//
// The archive is built lazily as a Blob made of small header arrays and the caller's own
// File/Blob objects, so file contents are never copied into memory here; the payload sealer
// reads it in 1 MiB slices.

import { utf8 } from "./util.js";

export const BLOCK = 512;
export const RECORD = 20 * BLOCK;
const MAX_OCTAL_11 = 8 ** 11; // 8 GiB: sizes/mtimes at or above need a pax record

function field(bytes, length) {
  const out = new Uint8Array(length);
  out.set(bytes.subarray(0, length));
  return out;
}

function octal(n, digits) {
  // Python itn(): "%0*o" % (digits - 1, n) + NUL, for 0 <= n < 8**(digits-1).
  return utf8(n.toString(8).padStart(digits - 1, "0") + "\0");
}

function asciiReplace(s) {
  // Python s.encode("ascii", "replace"): each non-ASCII code point becomes "?".
  let out = "";
  for (const ch of s) out += ch.codePointAt(0) < 128 ? ch : "?";
  return utf8(out);
}

function isAscii(s) {
  return /^[\x00-\x7f]*$/.test(s);
}

/** One 512-byte ustar header as Python's TarInfo._create_header(info, USTAR_FORMAT, "ascii", "replace"). */
export function ustarHeader({ name, mode, size, mtime, type }) {
  const h = new Uint8Array(BLOCK);
  let o = 0;
  const put = (b) => { h.set(b, o); o += b.length; };
  put(field(asciiReplace(name), 100));
  put(octal(mode & 0o7777, 8));
  put(octal(0, 8)); // uid
  put(octal(0, 8)); // gid
  put(octal(size, 12));
  put(octal(mtime, 12));
  put(utf8("        ")); // checksum placeholder
  put(utf8(type));
  put(new Uint8Array(100)); // linkname
  put(utf8("ustar\x0000")); // POSIX magic + version
  put(new Uint8Array(32)); // uname ""
  put(new Uint8Array(32)); // gname ""
  put(new Uint8Array(8)); // devmajor "" (not a device)
  put(new Uint8Array(8)); // devminor ""
  put(new Uint8Array(155)); // prefix ""
  let sum = 0;
  for (let i = 0; i < BLOCK; i++) sum += h[i];
  h.set(utf8(sum.toString(8).padStart(6, "0") + "\0"), 148); // "%06o\0", then the 8th space stays
  return h;
}

function paxRecord(keyword, value) {
  const kv = utf8(` ${keyword}=${value}\n`);
  // Python: length field includes its own digits.
  const l = kv.length;
  let n = 0, p = 0;
  for (;;) {
    n = l + String(p).length;
    if (n === p) break;
    p = n;
  }
  return utf8(`${p} ${keyword}=${value}\n`);
}

function zeroPad(len) {
  const r = len % BLOCK;
  return r === 0 ? new Uint8Array(0) : new Uint8Array(BLOCK - r);
}

/** Validate a top-level member name. */
export function checkName(name) {
  if (typeof name !== "string" || name.length === 0 || name === "." || name === ".." ||
      /[\/\\\x00]/.test(name) || /[\ud800-\udbff](?![\udc00-\udfff])|(?<![\ud800-\udbff])[\udc00-\udfff]/.test(name)) {
    throw new TypeError("tar: file names must be non-empty top-level names without '/', '\\' or NUL");
  }
}

/** Header bytes (pax extended header if needed, then the ustar header) for one regular file. */
export function fileHeader(name, size, mtime) {
  checkName(name);
  if (!Number.isSafeInteger(size) || size < 0) throw new RangeError("tar: bad size");
  if (!Number.isSafeInteger(mtime) || mtime < 0) throw new RangeError("tar: mtime must be a non-negative integer");
  const pax = [];
  if (!isAscii(name) || name.length > 100) pax.push(paxRecord("path", name));
  let ustarSize = size, ustarMtime = mtime;
  if (size >= MAX_OCTAL_11) { ustarSize = 0; pax.push(paxRecord("size", String(size))); }
  if (mtime >= MAX_OCTAL_11) { ustarMtime = 0; pax.push(paxRecord("mtime", String(mtime))); }
  const parts = [];
  if (pax.length) {
    let len = 0;
    for (const r of pax) len += r.length;
    parts.push(ustarHeader({ name: "././@PaxHeader", mode: 0, size: len, mtime: 0, type: "x" }));
    parts.push(...pax, zeroPad(len));
  }
  parts.push(ustarHeader({ name, mode: 0o644, size: ustarSize, mtime: ustarMtime, type: "0" }));
  let total = 0;
  for (const p of parts) total += p.length;
  const out = new Uint8Array(total);
  let o = 0;
  for (const p of parts) { out.set(p, o); o += p.length; }
  return out;
}

function sizeOf(data) {
  if (data instanceof Uint8Array) return data.length;
  if (typeof Blob !== "undefined" && data instanceof Blob) return data.size;
  if (data instanceof ArrayBuffer) return data.byteLength;
  throw new TypeError("tar: file data must be a Blob/File or Uint8Array");
}

/**
 * The parts of a tar archive: an array of Uint8Array / Blob pieces and the total length.
 * files: [{name, data: File | Blob | Uint8Array}] in archive order.
 */
export function tarParts(files, { mtime = 0 } = {}) {
  const parts = [];
  let offset = 0;
  const names = new Set();
  for (const f of files) {
    if (names.has(f.name)) throw new TypeError("tar: duplicate file name");
    names.add(f.name);
    const size = sizeOf(f.data);
    const hdr = fileHeader(f.name, size, f.mtime ?? mtime);
    parts.push(hdr);
    offset += hdr.length;
    if (size > 0) parts.push(f.data);
    offset += size;
    const pad = zeroPad(size);
    if (pad.length) parts.push(pad);
    offset += pad.length;
  }
  offset += 2 * BLOCK;
  const rem = offset % RECORD;
  const end = 2 * BLOCK + (rem > 0 ? RECORD - rem : 0);
  parts.push(new Uint8Array(end));
  offset += end - 2 * BLOCK;
  return { parts, size: offset };
}

/** The archive as one lazy Blob. */
export function tarBlob(files, opts) {
  const { parts, size } = tarParts(files, opts);
  const blob = new Blob(parts);
  if (blob.size !== size) throw new Error("tar: size mismatch");
  return blob;
}

/** Zero padding that makes `length` a multiple of `chunkSize` (ETB-1 §3). */
export function paddingFor(length, chunkSize) {
  const r = length % chunkSize;
  return r === 0 ? 0 : chunkSize - r;
}

/** The ETB-1 plaintext: the tar archive followed by zero bytes up to a multiple of chunkSize. */
export function plaintextBlob(files, { mtime = 0, chunkSize = 1048576 } = {}) {
  const { parts, size } = tarParts(files, { mtime });
  const pad = paddingFor(size, chunkSize);
  if (pad) parts.push(new Uint8Array(pad));
  return new Blob(parts);
}

function parseOctal(b) {
  let s = "";
  for (const c of b) { if (c === 0 || c === 32) { if (s) break; else continue; } s += String.fromCharCode(c); }
  if (!/^[0-7]*$/.test(s)) throw new Error("tar: bad number field");
  return s ? parseInt(s, 8) : 0;
}

function cstr(b) {
  const z = b.indexOf(0);
  return new TextDecoder().decode(z < 0 ? b : b.subarray(0, z));
}

/**
 * Read a tar archive held in memory (ustar + pax "path"/"size" records; trailing zero padding
 * allowed). Returns [{name, size, mtime, data}] for regular files. For opening and tests.
 */
export function readTar(bytes) {
  const out = [];
  let o = 0, pax = {};
  while (o + BLOCK <= bytes.length) {
    const h = bytes.subarray(o, o + BLOCK);
    if (h.every((x) => x === 0)) break;
    let sum = 0;
    for (let i = 0; i < BLOCK; i++) sum += i >= 148 && i < 156 ? 32 : h[i];
    if (sum !== parseOctal(h.subarray(148, 156))) throw new Error("tar: bad header checksum");
    const type = String.fromCharCode(h[156] || 48);
    let size = parseOctal(h.subarray(124, 136));
    const mtime = parseOctal(h.subarray(136, 148));
    o += BLOCK;
    if (type === "x") {
      const rec = bytes.subarray(o, o + size);
      let p = 0;
      while (p < rec.length) {
        const sp = rec.indexOf(32, p);
        if (sp < 0) break;
        const len = parseInt(new TextDecoder().decode(rec.subarray(p, sp)), 10);
        if (!(len > 0) || p + len > rec.length) throw new Error("tar: bad pax record");
        const kv = new TextDecoder().decode(rec.subarray(sp + 1, p + len - 1));
        const eq = kv.indexOf("=");
        pax[kv.slice(0, eq)] = kv.slice(eq + 1);
        p += len;
      }
      o += Math.ceil(size / BLOCK) * BLOCK;
      continue;
    }
    const name = pax.path ?? cstr(h.subarray(0, 100));
    if (pax.size !== undefined) size = parseInt(pax.size, 10);
    if (o + size > bytes.length) throw new Error("tar: truncated member");
    if (type === "0") out.push({ name, size, mtime: pax.mtime !== undefined ? Number(pax.mtime) : mtime, data: bytes.slice(o, o + size) });
    o += Math.ceil(size / BLOCK) * BLOCK;
    pax = {};
  }
  return out;
}

/** Files sorted by name in Python string order (Unicode code points), as when sealing a folder. */
export function sortFilesByName(files) {
  const cmp = (a, b) => {
    const ca = Array.from(a.name, (c) => c.codePointAt(0)), cb = Array.from(b.name, (c) => c.codePointAt(0));
    for (let i = 0; i < Math.min(ca.length, cb.length); i++) if (ca[i] !== cb[i]) return ca[i] - cb[i];
    return ca.length - cb.length;
  };
  return files.slice().sort(cmp);
}
