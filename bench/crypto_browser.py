"""Benchmark ETB-1 sealing in Debian Chromium (WebCrypto).

Generates a Blob of N MiB in the page, seals it with the progress callback, discarding each
ciphertext chunk after it is hashed into the Merkle root, and compares the throughput with raw
WebCrypto AES-256-GCM encrypt + SHA-256 digest over the same 1 MiB slices in the same page.
Two figures: the payload layer alone (sealPayload) and the whole envelope (sealEnvelope: tar,
padding, Shamir split, HPKE shares, payload).

    .venv/bin/python bench/crypto_browser.py [--mib 100] [--rounds 3] [--json]
"""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from crypto.canonical import manifest_hash
from crypto.member_keys import generate_member_key
from crypto.shares import public_key_hex
from tests.e2e.etb1_harness import harness_page


def main() -> int:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--mib", type=int, default=100)
    parser.add_argument("--rounds", type=int, default=3)
    parser.add_argument("--json", action="store_true", help="print the raw result as JSON")
    args = parser.parse_args()

    members = [
        {"key_id": f"member-{i + 1:02d}", "public_key": public_key_hex(generate_member_key())}
        for i in range(3)
    ]
    manifest = {"tender": "T-bench", "k": 2, "members": members}
    mh = manifest_hash(manifest).hex()
    context = {
        "bidder": "org-bench",
        "envelope": "offer",
        "k": 2,
        "manifest": mh,
        "n": 3,
        "submission": "sub-bench",
        "tender": "T-bench",
    }
    with harness_page() as page:
        result = page.evaluate(
            "(a) => window.etb1Harness.bench(a)",
            {
                "mib": args.mib,
                "rounds": args.rounds,
                "manifest": manifest,
                "manifestHash": mh,
                "context": context,
            },
        )
    if args.json:
        print(json.dumps(result, indent=2))
        return 0
    print(f"browser: {result['userAgent']}")
    print(f"size: {args.mib} MiB, best of {args.rounds} rounds")
    print(f"raw AES-256-GCM + SHA-256 over 1 MiB slices: {result['baselineMiBs']:.1f} MiB/s")
    print(
        "ETB-1 sealPayload (progress callback, chunks discarded): "
        f"{result['payloadMiBs']:.1f} MiB/s (ratio {result['payloadRatio']:.2f})"
    )
    print(
        f"ETB-1 sealEnvelope (tar + shares + payload): {result['envelopeMiBs']:.1f} MiB/s "
        f"(ratio {result['envelopeRatio']:.2f})"
    )
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
