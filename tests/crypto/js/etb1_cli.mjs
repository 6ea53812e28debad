// Small Node driver of the ETB-1 JavaScript library for the Python <-> JS interop tests
// (tests/crypto/test_js_interop.py). Not a test file itself.
//   node etb1_cli.mjs seal job.json   job: {manifest, manifest_hash, context, files: [{name, path}], mtime, out_dir}
//       writes out_dir/blob.etb and out_dir/result.json {context_hash, header_hash, root, size, chunks, sealed_shares}
//   node etb1_cli.mjs open job.json   job: {members: [{stored, passphrase}], context, sealed_shares, blob, out_dir}
//       unwraps the member keys, opens their shares, opens the blob, writes the files to out_dir
//       and out_dir/result.json {header_hash, root, size, chunks, names, shares}
//   node etb1_cli.mjs enrol job.json  job: {key_id, passphrase, iterations} -> prints the stored record
//   node etb1_cli.mjs verify-receipt job.json  job: {signed: {receipt, signature}, public_key} -> prints true/false
import { openAsBlob } from "node:fs";
import { open as fsOpen, readFile, writeFile, mkdir } from "node:fs/promises";
import path from "node:path";
import { lib } from "./helpers.mjs";

const E = await lib("envelope.js");
const M = await lib("memberkey.js");
const R = await lib("receipt.js");
const { toHex } = await lib("util.js");

const [cmd, jobPath] = process.argv.slice(2);
const job = JSON.parse(await readFile(jobPath, "utf8"));

if (cmd === "seal") {
  await mkdir(job.out_dir, { recursive: true });
  const files = [];
  for (const f of job.files) files.push({ name: f.name, data: await openAsBlob(f.path) });
  const fh = await fsOpen(path.join(job.out_dir, "blob.etb"), "w");
  let progressCalls = 0;
  try {
    const r = await E.sealEnvelope({
      manifest: job.manifest, expectedManifestHash: job.manifest_hash, context: job.context, files,
      mtime: job.mtime ?? 0,
      onProgress: () => { progressCalls += 1; },
      onPart: async (p) => { await fh.write(p.bytes, 0, p.bytes.length, p.offset); },
    });
    await writeFile(path.join(job.out_dir, "result.json"), JSON.stringify({
      context_hash: toHex(r.contextHash), header_hash: toHex(r.headerHash), root: toHex(r.root),
      size: r.size, chunks: r.chunks, plaintext_size: r.plaintextSize, progress_calls: progressCalls,
      sealed_shares: r.sealedShares.map((s) => ({ key_id: s.key_id, sealed_share: toHex(s.sealed_share) })),
    }));
  } finally {
    await fh.close();
  }
} else if (cmd === "open") {
  await mkdir(job.out_dir, { recursive: true });
  const shares = [];
  for (const m of job.members) {
    const key = await M.unwrapMemberKey(m.stored, m.passphrase);
    const ss = job.sealed_shares.find((s) => s.key_id === key.keyId);
    shares.push(await E.openMemberShare({ memberKey: key, context: job.context, sealedShare: ss.sealed_share }));
  }
  const opened = await E.openEnvelope({ sealed: await openAsBlob(job.blob), shares, context: job.context });
  for (const f of opened.files) await writeFile(path.join(job.out_dir, f.name), f.data);
  await writeFile(path.join(job.out_dir, "result.json"), JSON.stringify({
    header_hash: toHex(opened.headerHash), root: toHex(opened.root), size: opened.size, chunks: opened.chunks,
    names: opened.files.map((f) => f.name), shares: shares.map(toHex),
  }));
} else if (cmd === "enrol") {
  const { record } = await M.enrolMemberKey({ keyId: job.key_id, passphrase: job.passphrase, iterations: job.iterations });
  process.stdout.write(JSON.stringify(record));
} else if (cmd === "verify-receipt") {
  const key = job.signed.receipt !== undefined ? "receipt" : "tree_head";
  process.stdout.write(String(await R.verifyReceipt(job.signed[key], job.signed.signature, job.public_key)));
} else {
  console.error("usage: etb1_cli.mjs seal|open|enrol|verify-receipt job.json");
  process.exit(2);
}
