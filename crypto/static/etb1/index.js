// ETB-1 sealed-bid format, browser/Node implementation (WebCrypto only). See ETB-1.md (the shared specification beside the checkout).
export * from "./util.js";
export * from "./canonical.js";
export * as merkle from "./merkle.js";
export { MerkleStream, merkleRoot, leafHash, nodeHash, inclusionProof, consistencyProof, verifyInclusion, verifyConsistency, rootFromLeafHashes } from "./merkle.js";
export * as shamir from "./shamir.js";
export * as hpke from "./hpke.js";
export * from "./tar.js";
export * from "./payload.js";
export * from "./shares.js";
export * from "./memberkey.js";
export * from "./receipt.js";
export * from "./envelope.js";
