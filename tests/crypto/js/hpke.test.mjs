import test from "node:test";
import assert from "node:assert/strict";
import { lib, rejects } from "./helpers.mjs";

const hpke = await lib("hpke.js");
const { utf8, subtle } = await lib("util.js");
const { generateMemberKeyPair } = await lib("memberkey.js");

test("seal/open round trip, raw scalar and PKCS#8 private keys", async () => {
  const { privateKey, publicKey } = await generateMemberKeyPair();
  const sealed = await hpke.seal(publicKey, utf8("info"), utf8("aad"), utf8("secret share"));
  assert.equal(sealed.length, 65 + 12 + 16);
  assert.equal(new TextDecoder().decode(await hpke.open(privateKey, publicKey, utf8("info"), utf8("aad"), sealed)), "secret share");
  const pkcs8 = new Uint8Array(await subtle.exportKey("pkcs8", privateKey));
  assert.ok(await hpke.open(pkcs8, publicKey, utf8("info"), utf8("aad"), sealed));
  const jwk = await subtle.exportKey("jwk", privateKey);
  const d = Uint8Array.from(Buffer.from(jwk.d, "base64url"));
  assert.ok(await hpke.open(d, publicKey, utf8("info"), utf8("aad"), sealed));
});

test("fresh ephemeral key per seal; injected ephemeral key is deterministic", async () => {
  const { publicKey } = await generateMemberKeyPair();
  const a = await hpke.seal(publicKey, utf8("i"), new Uint8Array(0), utf8("x"));
  const b = await hpke.seal(publicKey, utf8("i"), new Uint8Array(0), utf8("x"));
  assert.notDeepEqual(a.subarray(0, 65), b.subarray(0, 65));
  const eph = new Uint8Array(32).fill(3);
  const c = await hpke.seal(publicKey, utf8("i"), new Uint8Array(0), utf8("x"), { ephemeralPrivateKey: eph });
  const d = await hpke.seal(publicKey, utf8("i"), new Uint8Array(0), utf8("x"), { ephemeralPrivateKey: eph });
  assert.deepEqual(c, d);
});

test("wrong info, aad, key or tampered data fail", async () => {
  const m = await generateMemberKeyPair();
  const other = await generateMemberKeyPair();
  const sealed = await hpke.seal(m.publicKey, utf8("info"), utf8(""), utf8("pt"));
  await rejects(hpke.open(m.privateKey, m.publicKey, utf8("infx"), utf8(""), sealed), /open failed/);
  await rejects(hpke.open(m.privateKey, m.publicKey, utf8("info"), utf8("a"), sealed), /open failed/);
  await rejects(hpke.open(other.privateKey, other.publicKey, utf8("info"), utf8(""), sealed), /open failed/);
  for (const pos of [1, 70, sealed.length - 1]) {
    const t = sealed.slice();
    t[pos] ^= 1;
    await rejects(hpke.open(m.privateKey, m.publicKey, utf8("info"), utf8(""), t));
  }
  await assert.rejects(hpke.seal(new Uint8Array(65), utf8(""), utf8(""), utf8("")));
});
