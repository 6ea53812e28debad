"""Tender documents on S3-compatible object storage (django-storages + boto3), against moto's
server mode on 127.0.0.1, as the production profile runs them."""

from __future__ import annotations

import hashlib
import os
import socket
from collections.abc import Iterator
from typing import Any

import pytest
from django.core.files.storage import default_storage
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import override_settings

from notices.models import DocumentVersion

boto3 = pytest.importorskip("boto3")
moto_server = pytest.importorskip("moto.server")
pytest.importorskip("storages.backends.s3")

BUCKET = "anbud-documents-test"
REGION = "eu-north-1"


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


@pytest.fixture(scope="module")
def s3_endpoint() -> Iterator[str]:
    server = moto_server.ThreadedMotoServer(ip_address="127.0.0.1", port=_free_port(),
                                            verbose=False)
    server.start()
    host, port = server.get_host_and_port()
    try:
        yield f"http://{host}:{port}"
    finally:
        server.stop()


@pytest.fixture
def s3(s3_endpoint: str, settings: Any) -> Iterator[Any]:
    """A fresh bucket, and STORAGES["default"] pointing at it for the duration of the test."""
    client = boto3.client("s3", endpoint_url=s3_endpoint, region_name=REGION,
                          aws_access_key_id="testing", aws_secret_access_key="testing")
    client.create_bucket(Bucket=BUCKET,
                         CreateBucketConfiguration={"LocationConstraint": REGION})
    options = {
        "bucket_name": BUCKET, "endpoint_url": s3_endpoint, "access_key": "testing",
        "secret_key": "testing", "region_name": REGION, "default_acl": None,
        "querystring_auth": True, "file_overwrite": False,
    }
    storages = {**settings.STORAGES,
                "default": {"BACKEND": "storages.backends.s3.S3Storage", "OPTIONS": options}}
    # override_settings fires setting_changed, whose handler resets django.core.files.storage
    # .storages and the default_storage lazy object, on entry and again on exit.
    with override_settings(STORAGES=storages):
        assert type(default_storage._wrapped).__name__ != "S3Storage"  # still lazy
        yield client
    for page in client.get_paginator("list_objects_v2").paginate(Bucket=BUCKET):
        for obj in page.get("Contents", []):
            client.delete_object(Bucket=BUCKET, Key=obj["Key"])
    client.delete_bucket(Bucket=BUCKET)


def _objects(client: Any) -> dict[str, int]:
    listing = client.list_objects_v2(Bucket=BUCKET)
    return {obj["Key"]: obj["Size"] for obj in listing.get("Contents", [])}


def test_it_stores_documents_in_the_bucket(s3: Any, api_for: Any, officer: Any,
                                           make_notice: Any) -> None:
    notice = make_notice()
    # Above boto3's 8 MiB multipart threshold and Django's in-memory upload limit.
    content = os.urandom(9 * 1024 * 1024 + 123)
    upload = SimpleUploadedFile("konkurransegrunnlag.pdf", content,
                                content_type="application/pdf")
    response = api_for(officer).post(f"/api/notices/{notice.pk}/documents/",
                                     {"file": upload, "title": "Konkurransegrunnlag"},
                                     format="multipart")
    assert response.status_code == 201, response.content
    data = response.json()
    assert data["sha256"] == hashlib.sha256(content).hexdigest()
    assert data["size"] == len(content)

    version = DocumentVersion.objects.get()
    assert type(default_storage._wrapped).__name__ == "S3Storage"
    assert _objects(s3) == {version.file.name: len(content)}
    stored = s3.get_object(Bucket=BUCKET, Key=version.file.name)["Body"].read()
    assert hashlib.sha256(stored).hexdigest() == data["sha256"]

    download = api_for(None).get(data["download_url"])
    assert download.status_code == 200
    assert b"".join(download.streaming_content) == content
    assert download["ETag"] == f'"{data["sha256"]}"'


def test_it_keeps_every_version_in_the_bucket(s3: Any, api_for: Any, officer: Any,
                                              make_notice: Any) -> None:
    notice = make_notice()
    client = api_for(officer)
    url = f"/api/notices/{notice.pk}/documents/"
    first = client.post(url, {"file": SimpleUploadedFile("krav.txt", b"versjon 1\n")},
                        format="multipart").json()
    document = DocumentVersion.objects.get().document_id
    second = client.post(url, {"file": SimpleUploadedFile("krav.txt", b"versjon 2\n"),
                               "document": document}, format="multipart").json()
    assert (first["number"], second["number"]) == (1, 2)
    assert len(_objects(s3)) == 2
    old = api_for(None).get(first["download_url"])
    assert b"".join(old.streaming_content) == b"versjon 1\n"


def test_it_leaves_local_file_storage_to_the_other_tests(db: Any) -> None:
    # Runs after the S3 tests in this module: the override must be gone.
    from django.core.files.storage import storages

    assert type(storages["default"]).__name__ == "FileSystemStorage"
    default_storage._setup()
    assert type(default_storage._wrapped).__name__ == "FileSystemStorage"
