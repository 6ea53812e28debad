import test from "node:test";
import assert from "node:assert/strict";
import { lib, rejects } from "./helpers.mjs";

const M = await lib("memberkey.js");
const { subtle } = await lib("util.js");

test("enrol, wrap and unwrap (NFC passphrase)", async () => {
  const pass = "ha\u030avet 123"; // 'å' decomposed
  const { record, publicKey } = await M.enrolMemberKey({ keyId: "m-1", passphrase: pass, iterations: 1000 });
  assert.deepEqual(Object.keys(record).sort(), ["iterations", "kdf", "key_id", "nonce", "public_key", "salt", "wrapped"]);
  assert.equal(record.kdf, "pbkdf2-sha256");
  assert.equal(record.salt.length, 32);
  assert.equal(record.nonce.length, 24);
  assert.equal(record.public_key.length, 130);
  const k = await M.unwrapMemberKey(record, "h\u00e5vet 123"); // composed form unwraps too
  assert.deepEqual(k.publicKey, publicKey);
  assert.equal(k.keyId, "m-1");
  assert.equal(k.privateKey.extractable, false);
  await assert.rejects(subtle.exportKey("pkcs8", k.privateKey));
});

test("wrong passphrase, key id or tampering fail; default iterations", async () => {
  const { record } = await M.enrolMemberKey({ keyId: "m-1", passphrase: "right", iterations: 1000 });
  await rejects(M.unwrapMemberKey(record, "wrong"), /wrong passphrase/);
  await rejects(M.unwrapMemberKey({ ...record, key_id: "m-2" }, "right"), /wrong passphrase/);
  const w = record.wrapped;
  await rejects(M.unwrapMemberKey({ ...record, wrapped: (w[0] === "0" ? "1" : "0") + w.slice(1) }, "right"));
  const other = await M.enrolMemberKey({ keyId: "m-1", passphrase: "right", iterations: 1000 });
  await rejects(M.unwrapMemberKey({ ...record, public_key: other.record.public_key }, "right"), /does not match/);
  assert.equal(M.DEFAULT_ITERATIONS, 600000);
});
