// Canonical JSON as in ETB-1: Python's
// json.dumps(obj, sort_keys=True, separators=(",", ":"), ensure_ascii=False), UTF-8 encoded.
// Supported values: objects, arrays, strings, safe integers, booleans and null.

import { sha256, utf8 } from "./util.js";

const LONE_SURROGATE = /[\ud800-\udbff](?![\udc00-\udfff])|(?<![\ud800-\udbff])[\udc00-\udfff]/;

function encodeString(s) {
  // JSON.stringify escapes exactly what Python does with ensure_ascii=False:
  // '"', '\\', \b \f \n \r \t and other controls < 0x20 as \u00xx (lowercase hex).
  // Lone surrogates cannot be encoded as UTF-8 by Python either: reject them.
  if (LONE_SURROGATE.test(s)) throw new TypeError("canonical JSON: string contains a lone surrogate");
  return JSON.stringify(s);
}

function encodeValue(v) {
  if (v === null) return "null";
  if (v === true) return "true";
  if (v === false) return "false";
  if (typeof v === "string") return encodeString(v);
  if (typeof v === "bigint") return v.toString();
  if (typeof v === "number") {
    if (!Number.isSafeInteger(v)) throw new TypeError("canonical JSON: only safe integers are allowed");
    return String(v);
  }
  if (Array.isArray(v)) return "[" + v.map(encodeValue).join(",") + "]";
  if (typeof v === "object") {
    const keys = Object.keys(v).filter((k) => v[k] !== undefined);
    keys.sort((a, b) => {
      // Python sorts by code point; compare code points, not UTF-16 units.
      const ca = Array.from(a), cb = Array.from(b);
      for (let i = 0; i < Math.min(ca.length, cb.length); i++) {
        const d = ca[i].codePointAt(0) - cb[i].codePointAt(0);
        if (d !== 0) return d;
      }
      return ca.length - cb.length;
    });
    return "{" + keys.map((k) => encodeString(k) + ":" + encodeValue(v[k])).join(",") + "}";
  }
  throw new TypeError(`canonical JSON: unsupported type ${typeof v}`);
}

/** Canonical JSON text of obj. */
export function canonicalJson(obj) {
  return encodeValue(obj);
}

/** Canonical JSON of obj as UTF-8 bytes. */
export function canonicalBytes(obj) {
  return utf8(encodeValue(obj));
}

/** SHA-256 of the canonical JSON of obj. */
export async function canonicalHash(obj) {
  return sha256(canonicalBytes(obj));
}
