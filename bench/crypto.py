"""Benchmark the ETB-1 Python payload: throughput against raw primitives, and peak memory.

    .venv/bin/python bench/crypto.py                 # 1 GiB throughput + RSS at 1 MiB/100 MiB/1 GiB
    .venv/bin/python bench/crypto.py --size 256M --rss-sizes 1M,100M

Throughput: seal and open of a generated stream (never held in RAM) against a baseline that
does the same work with the bare primitives on the same bytes and the same I/O: one
AES-256-GCM pass in 1 MiB chunks plus one SHA-256 pass. Seal writes to a discard sink (and
the baseline too); open reads the sealed blob from a temporary file (and so does the
baseline). Ratio = ETB-1 throughput / baseline throughput (target >= 0.7).
Peak RSS: each size runs in a fresh subprocess (seal to a temp file, then open it) and
reports VmHWM minus that of a baseline subprocess importing the same modules (target < 64 MiB).
"""

from __future__ import annotations

import argparse
import hashlib
import json
import os
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from cryptography.hazmat.primitives.ciphers.aead import AESGCM  # noqa: E402

from crypto.constants import CHUNK_SIZE, HEADER_LEN, TAG_LEN  # noqa: E402
from crypto.payload import open_stream, seal_stream  # noqa: E402

MiB = 1 << 20
CTX = hashlib.sha256(b"bench context").digest()


def parse_size(text: str) -> int:
    units = {"K": 1 << 10, "M": MiB, "G": 1 << 30}
    text = text.strip().upper().removesuffix("B").removesuffix("I")
    if text[-1] in units:
        return int(float(text[:-1]) * units[text[-1]])
    return int(text)


class Generated:
    """A readable stream of `size` bytes cycling one random MiB (no big allocation)."""

    def __init__(self, size: int) -> None:
        self._block = os.urandom(MiB)
        self._left = size
        self._pos = 0

    def readinto(self, view: memoryview) -> int:
        n = min(len(view), self._left, MiB - self._pos)
        view[:n] = self._block[self._pos : self._pos + n]
        self._pos = (self._pos + n) % MiB
        self._left -= n
        return n

    def read(self, n: int = -1) -> bytes:
        buf = bytearray(min(n, self._left) if n >= 0 else self._left)
        got = self.readinto(memoryview(buf))
        return bytes(buf[:got])


class Discard:
    def write(self, data: bytes | bytearray | memoryview) -> int:
        return len(data)

    def flush(self) -> None:
        pass


def baseline_seal(size: int) -> float:
    """Raw primitives: read the same stream, AES-256-GCM each MiB, SHA-256 it, discard."""
    aead = AESGCM(os.urandom(32))
    source, sink = Generated(size), Discard()
    buf, out = bytearray(CHUNK_SIZE), bytearray(CHUNK_SIZE + TAG_LEN)
    nonce = os.urandom(12)
    start = time.perf_counter()
    while True:
        got = source.readinto(memoryview(buf))
        total = got
        while total < CHUNK_SIZE and got:
            got = source.readinto(memoryview(buf)[total:])
            total += got
        if not total:
            break
        view = memoryview(out)[: total + TAG_LEN]
        aead.encrypt_into(nonce, memoryview(buf)[:total], b"", view)
        hashlib.sha256(view).digest()
        sink.write(view)
    return time.perf_counter() - start


def etb_seal(size: int) -> float:
    start = time.perf_counter()
    seal_stream(Generated(size), Discard(), CTX)  # type: ignore[arg-type]
    return time.perf_counter() - start


def make_blob(size: int, path: Path) -> bytes:
    """Seal `size` bytes into `path`; returns the DEK for the open runs."""
    with path.open("wb") as out:
        sealed = seal_stream(Generated(size), out, CTX)  # type: ignore[arg-type]
    return sealed.dek


def baseline_open(raw_blob: Path, key: bytes) -> float:
    """Raw primitives on a blob of the same size: read, SHA-256 and AES-GCM-decrypt each chunk."""
    aead = AESGCM(key)
    nonce = b"\x00" * 12
    ct_len = CHUNK_SIZE + TAG_LEN
    buf, plain = bytearray(ct_len), bytearray(CHUNK_SIZE)
    sink = Discard()
    start = time.perf_counter()
    with raw_blob.open("rb", buffering=0) as source:
        source.seek(HEADER_LEN)
        while got := source.readinto(buf):
            view = memoryview(buf)[:got]
            hashlib.sha256(view).digest()
            out = memoryview(plain)[: got - TAG_LEN]
            aead.decrypt_into(nonce, view, b"", out)
            sink.write(out)
    return time.perf_counter() - start


def make_raw_blob(size: int, path: Path, key: bytes) -> None:
    """The baseline's input: same layout, every chunk sealed with one fixed nonce."""
    aead = AESGCM(key)
    source = Generated(size)
    buf = bytearray(CHUNK_SIZE)
    with path.open("wb") as out:
        out.write(bytes(HEADER_LEN))
        while got := source.readinto(memoryview(buf)):
            total = got
            while total < CHUNK_SIZE and (got := source.readinto(memoryview(buf)[total:])):
                total += got
            out.write(aead.encrypt(b"\x00" * 12, bytes(buf[:total]), b""))


def etb_open(path: Path, dek: bytes) -> float:
    start = time.perf_counter()
    with path.open("rb", buffering=0) as source:
        open_stream(source, Discard(), dek, expected_context_hash=CTX)  # type: ignore[arg-type]
    return time.perf_counter() - start


def best_of(runs: int, fn: object, *args: object) -> float:
    return min(fn(*args) for _ in range(runs))  # type: ignore[operator]


def throughput(size: int, runs: int) -> dict[str, float]:
    gib = size / (1 << 30)
    result: dict[str, float] = {}
    base, ours = best_of(runs, baseline_seal, size), best_of(runs, etb_seal, size)
    result |= {"seal_MiBps": size / MiB / ours, "seal_baseline_MiBps": size / MiB / base}
    result["seal_ratio"] = base / ours
    with tempfile.TemporaryDirectory(dir=os.environ.get("BENCH_TMP")) as tmp:
        blob, raw = Path(tmp) / "bid.etb", Path(tmp) / "raw.bin"
        dek = make_blob(size, blob)
        key = os.urandom(32)
        make_raw_blob(size, raw, key)
        # Alternate so both read from an equally warm page cache.
        base_times, our_times = [], []
        for _ in range(runs):
            base_times.append(baseline_open(raw, key))
            our_times.append(etb_open(blob, dek))
        base, ours = min(base_times), min(our_times)
    result |= {"open_MiBps": size / MiB / ours, "open_baseline_MiBps": size / MiB / base}
    result["open_ratio"] = base / ours
    result["GiB"] = gib
    return result


def vm_hwm_kib() -> int:
    for line in Path("/proc/self/status").read_text().splitlines():
        if line.startswith("VmHWM:"):
            return int(line.split()[1])
    import resource

    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss


def rss_child(size: int) -> None:
    """Run in a fresh process: size 0 = baseline (imports + source block only)."""
    source = Generated(size)
    if size:
        with tempfile.TemporaryDirectory(dir=os.environ.get("BENCH_TMP")) as tmp:
            blob = Path(tmp) / "bid.etb"
            with blob.open("wb") as out:
                sealed = seal_stream(source, out, CTX)  # type: ignore[arg-type]
            with blob.open("rb") as inp:
                open_stream(inp, Discard(), sealed.dek, expected_context_hash=CTX)  # type: ignore[arg-type]
    print(json.dumps({"size": size, "vm_hwm_kib": vm_hwm_kib()}))


def run_child(size: int) -> int:
    proc = subprocess.run(
        [sys.executable, __file__, "--rss-child", str(size)],
        capture_output=True,
        text=True,
        check=True,
    )
    return int(json.loads(proc.stdout)["vm_hwm_kib"])


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--size", default="1G", help="throughput stream size (default 1G)")
    parser.add_argument("--runs", type=int, default=3, help="best of N runs (default 3)")
    parser.add_argument("--rss-sizes", default="1M,100M,1G")
    parser.add_argument("--skip-throughput", action="store_true")
    parser.add_argument("--rss-child", type=int, help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.rss_child is not None:
        rss_child(args.rss_child)
        return
    ok = True
    if not args.skip_throughput:
        size = parse_size(args.size)
        t = throughput(size, args.runs)
        print(f"throughput over {size / MiB:.0f} MiB (best of {args.runs}):")
        for what in ("seal", "open"):
            ratio = t[f"{what}_ratio"]
            ok &= ratio >= 0.7
            print(
                f"  {what}: {t[f'{what}_MiBps']:8.0f} MiB/s  baseline "
                f"{t[f'{what}_baseline_MiBps']:8.0f} MiB/s  ratio {ratio:.2f} (target >= 0.70)"
            )
    base = run_child(0)
    print(f"peak RSS above baseline (baseline VmHWM {base / 1024:.1f} MiB):")
    for text in args.rss_sizes.split(","):
        size = parse_size(text)
        delta = (run_child(size) - base) / 1024
        ok &= delta < 64
        print(f"  {text:>6}: {delta:6.1f} MiB (target < 64 MiB)")
    print("targets met" if ok else "TARGETS MISSED")
    sys.exit(0 if ok else 1)


if __name__ == "__main__":
    main()
