"""A 200 MB tender document goes through a real server without growing its memory.

The app runs in a subprocess (`manage.py runserver --noreload`) on a scratch data directory;
the client streams the multipart body from a generator with http.client, and the server's
peak resident memory (VmHWM in /proc/<pid>/status) is compared before and after.
"""

from __future__ import annotations

import hashlib
import http.client
import json
import os
import socket
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

ROOT = Path(__file__).resolve().parents[2]
SIZE = 200 * 1024 * 1024
CHUNK = 1024 * 1024
# Django, DRF and the app are already loaded before we measure; what remains is the upload.
MAX_GROWTH = 50 * 1024 * 1024

pytestmark = [
    pytest.mark.slow,
    pytest.mark.skipif(not Path("/proc/self/status").exists(), reason="needs Linux /proc"),
]


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def _vm_hwm(pid: int) -> int:
    """Peak resident set size of a process, in bytes."""
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith("VmHWM:"):
            return int(line.split()[1]) * 1024
    raise AssertionError("no VmHWM in /proc status")


def _wait_until_listening(port: int, process: subprocess.Popen[bytes], log: Path) -> None:
    deadline = time.monotonic() + 30
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise AssertionError(f"server exited early:\n{log.read_text()}")
        try:
            with socket.create_connection(("127.0.0.1", port), timeout=0.5):
                return
        except OSError:
            time.sleep(0.2)
    raise AssertionError(f"server did not start:\n{log.read_text()}")


@pytest.fixture
def server(tmp_path: Path) -> Iterator[dict[str, Any]]:
    env = {**os.environ, "DJANGO_SETTINGS_MODULE": "backend.settings.test",
           "ANBUD_DATA_DIR": str(tmp_path / "data"), "ANBUD_UPLOAD_TMP": str(tmp_path),
           "PYTHONUNBUFFERED": "1", "LOG_LEVEL": "WARNING"}
    env.pop("DATABASE_URL", None)  # a private SQLite database, even when CI sets PostgreSQL
    env.pop("REDIS_URL", None)
    env.pop("ANBUD_S3_BUCKET", None)
    setup = subprocess.run([sys.executable, str(Path(__file__).with_name(
        "document_server_setup.py"))], env=env, cwd=ROOT, capture_output=True, text=True,
        timeout=120, check=False)
    assert setup.returncode == 0, setup.stderr
    info = json.loads(setup.stdout.strip().splitlines()[-1])
    port = _free_port()
    log = tmp_path / "server.log"
    with log.open("wb") as out:
        process = subprocess.Popen(
            [sys.executable, "manage.py", "runserver", "--noreload", f"127.0.0.1:{port}"],
            env=env, cwd=ROOT, stdout=out, stderr=subprocess.STDOUT)
    try:
        _wait_until_listening(port, process, log)
        yield {**info, "port": port, "pid": process.pid, "log": log}
    finally:
        process.terminate()
        try:
            process.wait(timeout=10)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait()


def _content(digest: Any) -> Iterator[bytes]:
    """200 MB of incompressible bytes, hashed as they are produced."""
    block = os.urandom(CHUNK)
    for index in range(SIZE // CHUNK):
        # Vary each chunk cheaply so no two are identical.
        chunk = index.to_bytes(8, "big") + block[8:]
        digest.update(chunk)
        yield chunk


def _request(port: int, method: str, path: str, token: str, **kwargs: Any
             ) -> http.client.HTTPResponse:
    connection = http.client.HTTPConnection("127.0.0.1", port, timeout=120)
    connection.request(method, path, headers={"Authorization": f"Token {token}",
                                              **kwargs.pop("headers", {})}, **kwargs)
    return connection.getresponse()


def test_it_streams_a_200_mb_upload_and_download_with_flat_memory(server: dict[str, Any]
                                                                  ) -> None:
    port, token, pid = server["port"], server["token"], server["pid"]
    documents = f"/api/notices/{server['notice']}/documents/"
    # Warm up: the first request loads URLs, DRF and the serializers.
    warm = _request(port, "GET", documents, token)
    assert warm.status == 200, warm.read()
    warm.read()
    before = _vm_hwm(pid)

    boundary = "anbud-streaming-test-boundary"
    head = (f"--{boundary}\r\n"
            'Content-Disposition: form-data; name="title"\r\n\r\n'
            "Konkurransegrunnlag\r\n"
            f"--{boundary}\r\n"
            'Content-Disposition: form-data; name="file"; filename="tegninger.zip"\r\n'
            "Content-Type: application/zip\r\n\r\n").encode()
    tail = f"\r\n--{boundary}--\r\n".encode()
    client_digest = hashlib.sha256()

    def body() -> Iterator[bytes]:
        yield head
        yield from _content(client_digest)
        yield tail

    connection = http.client.HTTPConnection("127.0.0.1", port, timeout=300)
    connection.putrequest("POST", documents)
    connection.putheader("Authorization", f"Token {token}")
    connection.putheader("Content-Type", f"multipart/form-data; boundary={boundary}")
    connection.putheader("Content-Length", str(len(head) + SIZE + len(tail)))
    connection.endheaders()
    for part in body():
        connection.send(part)
    response = connection.getresponse()
    payload = response.read()
    assert response.status == 201, payload[:2000]
    created = json.loads(payload)
    after_upload = _vm_hwm(pid)
    print(f"VmHWM before {before / 2**20:.1f} MiB, after upload {after_upload / 2**20:.1f} MiB")

    assert created["size"] == SIZE
    assert created["sha256"] == client_digest.hexdigest()
    assert after_upload - before < MAX_GROWTH, (
        f"server peak memory grew by {(after_upload - before) / 2**20:.0f} MiB for a "
        f"{SIZE / 2**20:.0f} MiB upload")

    download = _request(port, "GET", created["download_url"], token)
    assert download.status == 200
    server_digest = hashlib.sha256()
    received = 0
    while chunk := download.read(CHUNK):
        server_digest.update(chunk)
        received += len(chunk)
    assert received == SIZE
    assert server_digest.hexdigest() == created["sha256"]
    assert _vm_hwm(pid) - before < MAX_GROWTH
