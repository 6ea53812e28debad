"""High-level envelope sealing and opening (ETB-1 §3-§8 put together).

Sealing: files -> tar stream (§3) -> zero padding -> payload sealer (§4/§5) -> blob, while the
DEK is split (§6) into one HPKE-sealed share per manifest member. Opening: k plain shares ->
DEK (checked against the key commitment) -> context check -> streaming decrypt -> plaintext
released only after the last chunk authenticates -> optional safe extraction.
"""

from __future__ import annotations

import contextlib
import hmac
import os
import shutil
import tarfile
import tempfile
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, BinaryIO

from crypto import shamir
from crypto.canonical import (
    check_manifest_hash,
    context_hash,
    manifest_hash,
    validate_context,
)
from crypto.constants import CHUNK_SIZE, DEK_LEN, SHARE_LEN
from crypto.errors import (
    BadShare,
    ContextMismatch,
    InvalidInput,
    KeyCommitMismatch,
    NotEnoughShares,
    UnsafeArchive,
)
from crypto.payload import (
    BlobDigest,
    Header,
    PayloadSealer,
    derive_keys,
    open_to_path,
    read_header,
)
from crypto.shares import public_key_from_hex, seal_share
from crypto.tarstream import TarWriter, validate_name


@dataclass(frozen=True)
class TarEntry:
    """One file for the envelope: its name in the tar, exact size, mtime and a readable."""

    name: str
    size: int
    mtime: int
    source: BinaryIO


@dataclass(frozen=True)
class SealedEnvelope:
    digest: BlobDigest
    sealed_shares: list[dict[str, str]]  # [{"key_id", "sealed_share": hex}] in manifest order
    manifest_hash: bytes

    def shares_document(self) -> dict[str, Any]:
        """The JSON the CLI writes and the server stores beside the blob."""
        return {
            "context_hash": self.digest.context_hash.hex(),
            "manifest_hash": self.manifest_hash.hex(),
            "sealed_shares": self.sealed_shares,
        }


class _PaddedTarSink:
    """Feeds tar bytes to the sealer, then pads with zeros to a chunk multiple (§3)."""

    def __init__(self, sealer: PayloadSealer, chunk_size: int) -> None:
        self._sealer = sealer
        self._chunk = chunk_size
        self.length = 0

    def write(self, data: bytes | bytearray | memoryview) -> None:
        self._sealer.write(data)
        self.length += len(data)

    def pad(self) -> None:
        missing = -self.length % self._chunk
        zeros = bytes(min(missing, 1 << 20))
        while missing:
            step = min(missing, len(zeros))
            self.write(memoryview(zeros)[:step])
            missing -= step


def seal_entries(
    entries: Iterable[TarEntry],
    *,
    manifest: Mapping[str, Any],
    context: Mapping[str, Any],
    out: BinaryIO,
    expected_manifest_hash: str | None = None,
    chunk_size: int = CHUNK_SIZE,
    dek: bytes | None = None,
    salt: bytes | None = None,
    nonce_prefix: bytes | None = None,
    share_xs: Sequence[int] | None = None,
    share_coefficients: Sequence[Sequence[int]] | None = None,
) -> SealedEnvelope:
    """Seal files into `out` and return the digest plus one sealed share per member.

    dek/salt/nonce_prefix/share_xs/share_coefficients reproduce fixed vectors in tests only;
    production callers leave them None so every envelope gets fresh randomness.
    """
    manifest_digest = manifest_hash(manifest)
    if expected_manifest_hash is not None:
        check_manifest_hash(manifest, expected_manifest_hash)
    validate_context(context, manifest)
    ctx_hash = context_hash(context)
    sealer = PayloadSealer(
        out, ctx_hash, chunk_size=chunk_size, dek=dek, salt=salt, nonce_prefix=nonce_prefix
    )
    sink = _PaddedTarSink(sealer, chunk_size)
    tar = TarWriter(sink.write)
    for entry in entries:
        tar.add_file(entry.name, entry.size, entry.mtime, entry.source)
    tar.close()
    sink.pad()
    sealed = sealer.finish()
    shares = _split(sealed.dek, manifest, share_xs, share_coefficients)
    sealed_shares = [
        {
            "key_id": member["key_id"],
            "sealed_share": seal_share(
                share,
                public_key_from_hex(member["public_key"]),
                context_hash=ctx_hash,
                key_id=member["key_id"],
            ).hex(),
        }
        for member, share in zip(manifest["members"], shares, strict=True)
    ]
    return SealedEnvelope(
        digest=sealed.digest, sealed_shares=sealed_shares, manifest_hash=manifest_digest
    )


def _split(
    dek: bytes,
    manifest: Mapping[str, Any],
    xs: Sequence[int] | None,
    coefficients: Sequence[Sequence[int]] | None,
) -> list[bytes]:
    k, n = manifest["k"], len(manifest["members"])
    if xs is None and coefficients is None:
        return shamir.split(dek, k, n)
    if xs is None or coefficients is None or len(xs) != n:
        raise InvalidInput("share_xs and share_coefficients go together, one x per member")
    if any(len(row) != k - 1 for row in coefficients):
        raise InvalidInput("share coefficients need k-1 per DEK byte")
    return shamir.split_with(dek, xs, coefficients)


def file_entries(
    paths: Sequence[Path | tuple[str, Path]], *, mtime: int | None = None
) -> list[tuple[str, Path, int, int]]:
    """(name, path, size, mtime) for each input; names are validated, duplicates refused."""
    result = []
    seen: set[str] = set()
    for item in paths:
        name, path = (item.name, item) if isinstance(item, Path) else (item[0], Path(item[1]))
        validate_name(name)
        if name in seen:
            raise InvalidInput(f"two files are both called {name!r}")
        seen.add(name)
        st = path.stat()
        if not path.is_file():
            raise InvalidInput(f"{name!r} is not a regular file")
        result.append((name, path, st.st_size, int(st.st_mtime) if mtime is None else mtime))
    return result


def seal_files(
    paths: Sequence[Path | tuple[str, Path]],
    *,
    manifest: Mapping[str, Any],
    context: Mapping[str, Any],
    out: BinaryIO,
    expected_manifest_hash: str | None = None,
    chunk_size: int = CHUNK_SIZE,
    mtime: int | None = None,
) -> SealedEnvelope:
    """Seal files (in the given order) into `out`; each file is streamed, never loaded whole."""
    listed = file_entries(paths, mtime=mtime)
    with contextlib.ExitStack() as stack:

        def entries() -> Iterable[TarEntry]:
            for name, path, size, file_mtime in listed:
                source = stack.enter_context(path.open("rb"))
                yield TarEntry(name=name, size=size, mtime=file_mtime, source=source)

        return seal_entries(
            entries(),
            manifest=manifest,
            context=context,
            out=out,
            expected_manifest_hash=expected_manifest_hash,
            chunk_size=chunk_size,
        )


def folder_files(folder: Path) -> list[Path]:
    """The top-level regular files of a folder, sorted by name; anything else is refused."""
    folder = Path(folder)
    if not folder.is_dir():
        raise InvalidInput(f"{folder} is not a folder")
    files = []
    for child in sorted(folder.iterdir(), key=lambda p: p.name):
        if child.is_symlink() or not child.is_file():
            raise InvalidInput(f"{child.name!r}: only regular files at top level can be sealed")
        files.append(child)
    return files


def seal_folder(
    folder: Path,
    *,
    manifest: Mapping[str, Any],
    context: Mapping[str, Any],
    out: BinaryIO,
    expected_manifest_hash: str | None = None,
    chunk_size: int = CHUNK_SIZE,
) -> SealedEnvelope:
    return seal_files(
        list(folder_files(folder)),
        manifest=manifest,
        context=context,
        out=out,
        expected_manifest_hash=expected_manifest_hash,
        chunk_size=chunk_size,
    )


@dataclass(frozen=True)
class DekRecovery:
    dek: bytes = field(repr=False)
    bad_shares: list[int]  # indices (into the given list) of shares inconsistent with the DEK


def _commit_ok(dek: bytes, header: Header) -> bool:
    _, key_commit = derive_keys(dek, header.salt)
    return hmac.compare_digest(key_commit, header.key_commit)


def recover_dek(shares: Sequence[bytes], *, k: int, header: Header) -> DekRecovery:
    """Lagrange-combine shares and check the key commitment (constant-time compare).

    With more than k shares, k-subsets are tried until one matches the commitment; shares that
    disagree with the recovered polynomial are reported in `bad_shares`.
    """
    if len(shares) < k:
        raise NotEnoughShares(f"{k} shares are needed to open, {len(shares)} given")
    shamir.parse_shares(shares, length=SHARE_LEN)
    found = shamir.combine_checked(shares, k, lambda dek: _commit_ok(dek, header))
    if found is None:
        if len(shares) == k:
            raise KeyCommitMismatch(
                "the shares do not reconstruct this envelope's key (a share is wrong or "
                "belongs to another envelope)"
            )
        raise KeyCommitMismatch(
            "no combination of the given shares reconstructs this envelope's key"
        )
    dek, bad = found
    return DekRecovery(dek=dek, bad_shares=bad)


@dataclass(frozen=True)
class OpenedEnvelope:
    digest: BlobDigest
    bad_shares: list[int]


def open_envelope(
    blob: BinaryIO,
    shares: Sequence[bytes],
    *,
    context: Mapping[str, Any],
    out_tar: Path,
    expected_digest: BlobDigest | None = None,
    chunk_size: int = CHUNK_SIZE,
) -> OpenedEnvelope:
    """Open a blob with plain shares into `out_tar` (the padded tar), released on success only."""
    validate_context(context)
    expected_context_hash = context_hash(context)
    header = read_header(blob, chunk_size=chunk_size)
    if not hmac.compare_digest(header.context_hash, expected_context_hash):
        raise ContextMismatch("the blob was sealed for another submission context")
    recovery = recover_dek(shares, k=context["k"], header=header)
    if len(recovery.dek) != DEK_LEN:
        raise BadShare("shares have the wrong length")
    digest = open_to_path(
        blob,
        Path(out_tar),
        recovery.dek,
        expected_context_hash=expected_context_hash,
        chunk_size=chunk_size,
        expected_digest=expected_digest,
        header=header,
    )
    return OpenedEnvelope(digest=digest, bad_shares=recovery.bad_shares)


def extract_tar(tar_path: Path, out_dir: Path) -> list[str]:
    """Extract top-level regular files only, into a new folder; anything else is refused.

    Extraction goes to a hidden sibling folder that is renamed to `out_dir` at the end, so a
    refused archive leaves nothing behind.
    """
    out_dir = Path(out_dir)
    if out_dir.exists() and (not out_dir.is_dir() or any(out_dir.iterdir())):
        raise InvalidInput(f"{out_dir} must not exist or must be an empty folder")
    out_dir.parent.mkdir(parents=True, exist_ok=True)
    staging = Path(tempfile.mkdtemp(prefix=f".{out_dir.name}.", dir=out_dir.parent))
    names: list[str] = []
    try:
        with tarfile.open(tar_path, mode="r:") as archive:
            for member in archive:
                name = member.name
                try:
                    validate_name(name)
                except InvalidInput:
                    raise UnsafeArchive(f"refusing archive member {name!r}") from None
                if not member.isreg():
                    raise UnsafeArchive(f"refusing non-file archive member {name!r}")
                source = archive.extractfile(member)
                assert source is not None
                with source, (staging / name).open("xb") as target:
                    shutil.copyfileobj(source, target, 1 << 20)
                names.append(name)
        if out_dir.exists():
            out_dir.rmdir()
        os.replace(staging, out_dir)
    except tarfile.TarError:
        shutil.rmtree(staging, ignore_errors=True)
        raise UnsafeArchive("the opened plaintext is not a valid tar archive") from None
    except BaseException:
        shutil.rmtree(staging, ignore_errors=True)
        raise
    return names
