import test from "node:test";
import assert from "node:assert/strict";
import { lib } from "./helpers.mjs";

const { canonicalJson, canonicalBytes } = await lib("canonical.js");

test("sorted keys, no spaces, integers", () => {
  assert.equal(canonicalJson({ b: 1, a: "x", c: [1, 2, { z: 0, y: -5 }] }), '{"a":"x","b":1,"c":[1,2,{"y":-5,"z":0}]}');
});

test("strings like Python ensure_ascii=False", () => {
  // Python: json.dumps("æøå \"q\" \\ \n\t\x01\x7f\u2028😀", ensure_ascii=False)
  assert.equal(canonicalJson("æøå \"q\" \\ \n\t\x01\x7f\u2028😀"), '"æøå \\"q\\" \\\\ \\n\\t\\u0001\x7f\u2028😀"');
  assert.deepEqual(Array.from(canonicalBytes({ k: "å" })), [...Buffer.from('{"k":"å"}', "utf8")]);
});

test("rejects floats, unsafe integers and lone surrogates", () => {
  assert.throws(() => canonicalJson({ a: 1.5 }));
  assert.throws(() => canonicalJson({ a: 2 ** 60 }));
  assert.throws(() => canonicalJson({ a: "\ud800" }));
  assert.throws(() => canonicalJson({ a: undefined, b: () => 1 }));
});

test("keys sort by code point", () => {
  assert.equal(canonicalJson({ "\uffff": 1, "😀": 2, a: 3 }), '{"a":3,"\uffff":1,"😀":2}');
});
