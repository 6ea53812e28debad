// Shared helpers for the ETB-1 JavaScript tests (not a test file itself).
import { readFileSync, existsSync } from "node:fs";
import { fileURLToPath } from "node:url";
import path from "node:path";

const here = path.dirname(fileURLToPath(import.meta.url));
export const repo = path.resolve(here, "../../..");
export const lib = (m) => import(path.join(repo, "crypto/static/etb1", m));
export const vectorsPath = path.join(repo, "tests/crypto/vectors/etb1-vectors.json");

export function loadVectors() {
  if (!existsSync(vectorsPath)) return null;
  return JSON.parse(readFileSync(vectorsPath, "utf8"));
}

/** Plaintext formula of the vectors: pt[i] = (i*7+3) % 251. */
export function formulaPlaintext(size) {
  const out = new Uint8Array(size);
  for (let i = 0; i < size; i++) out[i] = (i * 7 + 3) % 251;
  return out;
}

export async function rejects(promise, re) {
  try {
    await promise;
  } catch (e) {
    if (re && !re.test(String(e.message))) throw new Error(`wrong error: ${e.message}`);
    return e;
  }
  throw new Error("expected a rejection");
}
