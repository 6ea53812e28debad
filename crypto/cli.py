"""`anbud-etb`: the offline ETB-1 tool for members, suppliers and auditors.

Works on files only (no server needed), except `verify-scripts`, which fetches a server's
public list of script hashes to compare with this copy. Expected failures print one line to
stderr and exit non-zero: 1 = verification or crypto failure (or a script that differs),
2 = usage error, 3 = file or network problem.
"""

from __future__ import annotations

import argparse
import contextlib
import getpass
import hashlib
import json
import os
import sys
import tempfile
import urllib.error
import urllib.parse
import urllib.request
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import Any

from crypto.canonical import context_hash, parse_hex
from crypto.constants import MIN_PBKDF2_ITERATIONS
from crypto.envelope import extract_tar, folder_files, open_envelope, seal_files
from crypto.errors import ContextMismatch, EtbError, InvalidInput
from crypto.member_keys import generate_member_key, unwrap_member_key, wrap_member_key
from crypto.merkle import verify_inclusion
from crypto.payload import BlobDigest, verify_blob
from crypto.receipts import verify_receipt
from crypto.shares import open_share
from crypto.tlog import entry_leaf_hash, verify_tree_head

EXIT_FAILURE, EXIT_USAGE, EXIT_IO = 1, 2, 3


class UsageError(Exception):
    pass


def _read_json(path: Path) -> Any:
    try:
        return json.loads(Path(path).read_text(encoding="utf-8"))
    except json.JSONDecodeError as exc:
        raise UsageError(f"{path}: not valid JSON ({exc.msg} at line {exc.lineno})") from None


def _write_private_json(path: Path, obj: Any) -> None:
    """Write JSON readable by the owner only, via a temp file so no half file is left."""
    path = Path(path)
    fd, tmp = tempfile.mkstemp(prefix=f".{path.name}.", dir=path.parent or ".")
    try:
        with os.fdopen(fd, "w", encoding="utf-8") as handle:
            json.dump(obj, handle, indent=2, ensure_ascii=False)
            handle.write("\n")
        os.chmod(tmp, 0o600)
        os.replace(tmp, path)
    except BaseException:
        with contextlib.suppress(FileNotFoundError):
            os.unlink(tmp)
        raise


def _print_json(obj: Any) -> None:
    print(json.dumps(obj, indent=2, ensure_ascii=False))


def _passphrase(args: argparse.Namespace, *, confirm: bool) -> str:
    if args.passphrase_file:
        text = Path(args.passphrase_file).read_text(encoding="utf-8")
        passphrase = text.splitlines()[0] if text.splitlines() else ""
    else:
        passphrase = getpass.getpass("Passphrase: ")
        if confirm and getpass.getpass("Repeat passphrase: ") != passphrase:
            raise UsageError("the two passphrases differ")
    if not passphrase:
        raise UsageError("the passphrase must not be empty")
    return passphrase


def cmd_keygen(args: argparse.Namespace) -> int:
    if args.iterations < MIN_PBKDF2_ITERATIONS and not args.insecure_test_iterations:
        raise UsageError(f"--iterations must be at least {MIN_PBKDF2_ITERATIONS}")
    if Path(args.out).exists():
        raise UsageError(f"{args.out} already exists; refusing to overwrite a member key")
    passphrase = _passphrase(args, confirm=True)
    stored = wrap_member_key(
        generate_member_key(),
        key_id=args.key_id,
        passphrase=passphrase,
        iterations=args.iterations,
        allow_weak_for_tests=args.insecure_test_iterations,
    )
    _write_private_json(args.out, stored)
    _print_json({"key_id": stored["key_id"], "public_key": stored["public_key"]})
    return 0


def cmd_seal(args: argparse.Namespace) -> int:
    manifest, context = _read_json(args.manifest), _read_json(args.context)
    files = folder_files(Path(args.folder))
    out = Path(args.out)
    if out.exists():
        raise UsageError(f"{out} already exists")
    try:
        with out.open("xb") as blob:
            result = seal_files(
                files,
                manifest=manifest,
                context=context,
                out=blob,
                expected_manifest_hash=args.manifest_hash,
            )
    except BaseException:
        with contextlib.suppress(FileNotFoundError):
            out.unlink()
        raise
    _write_private_json(args.shares_out, result.shares_document())
    _print_json(result.digest.as_json())
    return 0


def cmd_open_shares(args: argparse.Namespace) -> int:
    expected = parse_hex(args.context_hash.lower(), 32, "--context-hash")
    stored = _read_json(args.key)
    document = _read_json(args.sealed_shares)
    if not isinstance(document, dict) or "sealed_shares" not in document:
        raise UsageError(f"{args.sealed_shares}: not a sealed shares file")
    if document.get("context_hash") != expected.hex():
        raise ContextMismatch("the sealed shares are for another submission (context hash)")
    key_id = stored.get("key_id") if isinstance(stored, dict) else None
    if not isinstance(key_id, str):
        raise UsageError(f"{args.key}: not a wrapped member key file")
    mine = [s for s in document["sealed_shares"] if s.get("key_id") == key_id]
    if not mine:
        raise UsageError(f"no share for member {key_id!r} in {args.sealed_shares}")
    key = unwrap_member_key(
        stored, _passphrase(args, confirm=False), allow_weak_for_tests=args.insecure_test_iterations
    )
    share = open_share(
        parse_hex(mine[0]["sealed_share"], 114, "sealed_share"),
        key,
        context_hash=expected,
        key_id=key_id,
    )
    _write_private_json(
        args.out, {"context_hash": expected.hex(), "key_id": key_id, "share": share.hex()}
    )
    print(f"wrote the plain share of {key_id} to {args.out}", file=sys.stderr)
    return 0


def _digest_from_receipt(receipt: dict[str, Any]) -> BlobDigest:
    return BlobDigest(
        header_hash=bytes.fromhex(receipt["header_hash"]),
        root=bytes.fromhex(receipt["root"]),
        size=receipt["size"],
        chunks=receipt["chunks"],
        context_hash=bytes.fromhex(receipt["context_hash"]),
    )


def cmd_open(args: argparse.Namespace) -> int:
    if not args.out and not args.tar_out:
        raise UsageError("give --out DIR (extract) and/or --tar-out FILE (keep the tar)")
    context = _read_json(args.context)
    expected_hash = context_hash(context).hex()
    shares = []
    for path in args.shares:
        doc = _read_json(path)
        if not isinstance(doc, dict) or "share" not in doc:
            raise UsageError(f"{path}: not a plain share file")
        if doc.get("context_hash") != expected_hash:
            raise ContextMismatch(f"{path}: share is for another submission")
        shares.append(parse_hex(doc["share"], 33, "share"))
    expected_digest = None
    if args.receipt:
        expected_digest = _digest_from_receipt(_read_json(args.receipt)["receipt"])
    tar_path = Path(args.tar_out) if args.tar_out else None
    with tempfile.TemporaryDirectory(prefix="anbud-etb-") as scratch:
        target = tar_path or Path(scratch) / "envelope.tar"
        with Path(args.blob).open("rb") as blob:
            opened = open_envelope(
                blob, shares, context=context, out_tar=target, expected_digest=expected_digest
            )
        result: dict[str, Any] = {"digest": opened.digest.as_json()}
        if opened.bad_shares:
            result["bad_shares"] = [str(args.shares[i]) for i in opened.bad_shares]
        if args.out:
            result["files"] = extract_tar(target, Path(args.out))
    _print_json(result)
    return 0


def cmd_verify_receipt(args: argparse.Namespace) -> int:
    receipt = verify_receipt(_read_json(args.receipt), args.public_key)
    if args.blob:
        with Path(args.blob).open("rb") as blob:
            verify_blob(blob).check_against(_digest_from_receipt(receipt))
    _print_json({"valid": True, "receipt": receipt, "blob_checked": bool(args.blob)})
    return 0


def cmd_verify_inclusion(args: argparse.Namespace) -> int:
    proof = _read_json(args.proof)
    if not isinstance(proof, dict):
        raise UsageError("a proof file is a JSON object")
    if "entry" in proof:
        leaf = entry_leaf_hash(proof["entry"])
    elif "leaf" in proof:
        leaf = parse_hex(proof["leaf"], 32, "leaf")
    else:
        raise UsageError("the proof needs an 'entry' (log entry object) or a 'leaf' hash")
    try:
        index, tree_size = int(proof["index"]), int(proof["tree_size"])
        path = [parse_hex(p, 32, "path element") for p in proof["path"]]
        root_hex = proof["root"]
    except (KeyError, TypeError, ValueError):
        raise UsageError("the proof needs index, tree_size, path and root") from None
    verify_inclusion(leaf, index, tree_size, path, parse_hex(root_hex, 32, "root"))
    result: dict[str, Any] = {"valid": True, "index": index, "tree_size": tree_size}
    signed = proof.get("signed_tree_head")
    if signed is not None:
        public_key = args.public_key or proof.get("public_key")
        if not public_key:
            raise UsageError("checking a signed tree head needs --public-key")
        head = verify_tree_head(signed, public_key)
        if head["size"] != tree_size or head["root"] != root_hex:
            raise InvalidInput("the signed tree head is for another tree size or root")
        result["tree_head"] = head
    _print_json(result)
    return 0


# The browser modules this package ships: the same files the platform serves at
# /static/etb1/ (crypto/static/etb1/).
OWN_STATIC = Path(__file__).resolve().parent / "static"
SCRIPTS_PATH = "/api/scripts/"
MAX_LIST_BYTES = 1 << 20


def local_script_hashes(static_dirs: Sequence[Path]) -> dict[str, str]:
    """SHA-256 of every .js file under the folders, keyed like the server's list ("etb1/x.js")."""
    hashes: dict[str, str] = {}
    for folder in static_dirs:
        if not folder.is_dir():
            raise UsageError(f"{folder}: not a folder")
        for file in sorted(folder.rglob("*.js")):
            hashes[file.relative_to(folder).as_posix()] = hashlib.sha256(
                file.read_bytes()).hexdigest()
    return hashes


def fetch_script_hashes(server: str, *, timeout: float = 30.0) -> dict[str, str]:
    """The server's published list (GET /api/scripts/) as {path: sha256}."""
    parts = urllib.parse.urlsplit(server)
    if parts.scheme not in {"https", "http"} or not parts.netloc:
        raise UsageError(f"{server}: give the server as https://host (or http://127.0.0.1:8000)")
    url = urllib.parse.urljoin(server.rstrip("/") + "/", SCRIPTS_PATH.lstrip("/"))
    request = urllib.request.Request(url, headers={"Accept": "application/json"})  # noqa: S310
    try:
        with urllib.request.urlopen(request, timeout=timeout) as response:  # noqa: S310
            body = response.read(MAX_LIST_BYTES + 1)
    except urllib.error.HTTPError as exc:
        raise OSError(f"{url}: the server answered HTTP {exc.code}") from None
    except urllib.error.URLError as exc:
        raise OSError(f"{url}: {exc.reason}") from None
    if len(body) > MAX_LIST_BYTES:
        raise UsageError(f"{url}: the list is larger than {MAX_LIST_BYTES} bytes")
    try:
        scripts = json.loads(body)["scripts"]
        return {str(item["path"]): str(item["sha256"]).lower() for item in scripts}
    except (json.JSONDecodeError, KeyError, TypeError) as exc:
        raise UsageError(f"{url}: not a script list ({type(exc).__name__})") from None


def compare_script_hashes(local: dict[str, str], served: dict[str, str]) -> dict[str, Any]:
    """Which scripts match, differ, or are missing on one side.

    Only the folders this copy has are judged ("etb1/" for the packaged modules); scripts the
    server lists elsewhere cannot be checked here and are reported as such, not as failures.
    """
    folders = {path.split("/", 1)[0] for path in local}
    problems: list[dict[str, str]] = []
    matched: list[str] = []
    for path, digest in sorted(local.items()):
        if path not in served:
            problems.append({"path": path, "problem": "not in the server's list",
                             "local": digest})
        elif served[path] != digest:
            problems.append({"path": path, "problem": "differs", "local": digest,
                             "server": served[path]})
        else:
            matched.append(path)
    unchecked = []
    for path, digest in sorted(served.items()):
        if path in local:
            continue
        if path.split("/", 1)[0] in folders:
            problems.append({"path": path, "problem": "not in this copy", "server": digest})
        else:
            unchecked.append(path)
    return {"ok": not problems, "matched": matched, "mismatches": problems,
            "not_checked": unchecked}


def cmd_verify_scripts(args: argparse.Namespace) -> int:
    local = local_script_hashes(args.static_dir or [OWN_STATIC])
    if not local:
        raise UsageError("no .js files in the given folders")
    result = compare_script_hashes(local, fetch_script_hashes(args.server))
    _print_json(result)
    for problem in result["mismatches"]:
        print(f"anbud-etb: {problem['path']}: {problem['problem']}", file=sys.stderr)
    return 0 if result["ok"] else EXIT_FAILURE


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="anbud-etb", description="ETB-1 sealed bids, offline.")
    sub = parser.add_subparsers(dest="command", required=True)

    def passphrase_options(p: argparse.ArgumentParser) -> None:
        p.add_argument("--passphrase-file", help="read the passphrase from the first line")
        # Low PBKDF2 iteration counts are for the test suite only; hidden from --help.
        p.add_argument("--insecure-test-iterations", action="store_true", help=argparse.SUPPRESS)

    p = sub.add_parser("keygen", help="create a committee member key pair (wrapped)")
    p.add_argument("--key-id", required=True)
    p.add_argument("--out", required=True, type=Path)
    p.add_argument("--iterations", type=int, default=MIN_PBKDF2_ITERATIONS)
    passphrase_options(p)
    p.set_defaults(func=cmd_keygen)

    p = sub.add_parser("seal", help="seal the files of a folder to a committee manifest")
    p.add_argument("folder")
    p.add_argument("--manifest", required=True, type=Path)
    p.add_argument("--context", required=True, type=Path)
    p.add_argument("--manifest-hash", help="refuse unless the manifest has this published hash")
    p.add_argument("--out", required=True, type=Path)
    p.add_argument("--shares-out", required=True, type=Path)
    p.set_defaults(func=cmd_seal)

    p = sub.add_parser("open-shares", help="open this member's sealed share of one submission")
    p.add_argument("--key", required=True, type=Path)
    p.add_argument("--sealed-shares", required=True, type=Path)
    p.add_argument("--context-hash", required=True)
    p.add_argument("--out", required=True, type=Path)
    passphrase_options(p)
    p.set_defaults(func=cmd_open_shares)

    p = sub.add_parser("open", help="open a sealed envelope with k plain shares")
    p.add_argument("--blob", required=True, type=Path)
    p.add_argument("--shares", required=True, nargs="+", type=Path)
    p.add_argument("--context", required=True, type=Path)
    p.add_argument("--receipt", type=Path, help="also check the blob against this receipt")
    p.add_argument("--out", type=Path, help="extract the files into this new folder")
    p.add_argument("--tar-out", type=Path, help="write the opened tar here")
    p.set_defaults(func=cmd_open)

    p = sub.add_parser("verify-receipt", help="verify a signed receipt offline")
    p.add_argument("--receipt", required=True, type=Path)
    p.add_argument("--public-key", required=True, help="platform Ed25519 key, hex")
    p.add_argument("--blob", type=Path, help="also check this blob against the receipt")
    p.set_defaults(func=cmd_verify_receipt)

    p = sub.add_parser("verify-inclusion", help="verify a transparency-log inclusion proof")
    p.add_argument("--proof", required=True, type=Path)
    p.add_argument("--public-key", help="platform Ed25519 key, hex (for a signed tree head)")
    p.set_defaults(func=cmd_verify_inclusion)

    p = sub.add_parser("verify-scripts",
                       help="compare a server's ETB-1 scripts with this copy (exit 1 on any "
                            "difference)")
    p.add_argument("--server", required=True, help="the platform's address, e.g. https://host")
    p.add_argument("--static-dir", type=Path, action="append",
                   help="folder of the trusted copy (default: the modules in this package); "
                        "repeat for several")
    p.set_defaults(func=cmd_verify_scripts)
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    parser = build_parser()
    args = parser.parse_args(argv)
    func: Callable[[argparse.Namespace], int] = args.func
    try:
        return func(args)
    except UsageError as exc:
        print(f"anbud-etb: {exc}", file=sys.stderr)
        return EXIT_USAGE
    except EtbError as exc:
        print(f"anbud-etb: {exc}", file=sys.stderr)
        return EXIT_FAILURE
    except OSError as exc:
        where = f"{exc.filename}: " if exc.filename else ""
        print(f"anbud-etb: {where}{exc.strerror or exc}", file=sys.stderr)
        return EXIT_IO
    except (KeyError, TypeError, ValueError) as exc:
        # Malformed JSON inputs; the message names only the kind of problem.
        print(f"anbud-etb: malformed input ({type(exc).__name__}: {exc})", file=sys.stderr)
        return EXIT_USAGE
    except KeyboardInterrupt:
        return 130


if __name__ == "__main__":
    sys.exit(main())
