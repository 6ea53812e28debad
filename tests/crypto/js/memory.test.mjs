// Streaming: sealing keeps a bounded amount of plaintext/ciphertext in memory, whatever the size.
import test from "node:test";
import assert from "node:assert/strict";
import { lib } from "./helpers.mjs";

const P = await lib("payload.js");
const { randomBytes } = await lib("util.js");

test("sealing 256 MiB holds a bounded number of buffers (chunks discarded by the consumer)", async (t) => {
  const MiB = 1048576;
  const block = randomBytes(MiB);
  const blob = new Blob(Array.from({ length: 256 }, () => block));
  globalThis.gc?.();
  const base = process.memoryUsage().arrayBuffers;
  let peak = 0;
  let progressCalls = 0;
  const r = await P.sealPayload(blob, {
    dek: randomBytes(32), contextHash: randomBytes(32),
    onProgress: () => { progressCalls += 1; },
    onPart: async () => {
      peak = Math.max(peak, process.memoryUsage().arrayBuffers - base);
    },
  });
  t.diagnostic(`peak ${(peak / MiB).toFixed(1)} MiB`);
  assert.equal(r.chunks, 256);
  assert.equal(progressCalls, 256);
  // Two 4 MiB read windows and a few chunks in flight, plus garbage V8 has not collected yet:
  // far below the input size.
  assert.ok(peak < 128 * MiB, `peak ArrayBuffer growth ${(peak / MiB).toFixed(1)} MiB`);
});
