"""Tender document uploads: limits from settings, who may upload, versions.

Every refused upload must leave nothing behind: no DocumentVersion row, no TenderDocument,
no file in storage and no temporary upload file.
"""

from __future__ import annotations

import hashlib
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import override_settings
from django.utils import translation

from notices.documents import services as documents
from notices.models import DocumentVersion, Notice, TenderDocument


@pytest.fixture
def storage_dir(tmp_path: Path, settings: Any) -> Iterator[Path]:
    """Local file storage and upload spooling in a fresh directory per test."""
    root = tmp_path / "files"
    media, spool = root / "media", root / "spool"
    media.mkdir(parents=True)
    spool.mkdir()
    storages = {**settings.STORAGES, "default": {
        "BACKEND": "django.core.files.storage.FileSystemStorage",
        "OPTIONS": {"location": str(media)}}}
    with override_settings(STORAGES=storages, FILE_UPLOAD_TEMP_DIR=str(spool)):
        yield root


def stored_files(root: Path) -> list[Path]:
    return [path for path in root.rglob("*") if path.is_file()]


def upload(client: Any, notice: Notice, name: str = "konkurransegrunnlag.pdf",
           content: bytes = b"%PDF-1.7 konkurransegrunnlag", **extra: Any) -> Any:
    return client.post(f"/api/notices/{notice.pk}/documents/",
                       {"file": SimpleUploadedFile(name, content), **extra}, format="multipart",
                       HTTP_ACCEPT_LANGUAGE="en")


def assert_nothing_stored(root: Path) -> None:
    assert not DocumentVersion.objects.exists()
    assert not TenderDocument.objects.exists()
    assert stored_files(root) == []


def test_it_stores_a_document_with_its_hash(storage_dir: Path, api_for: Any, officer: Any,
                                            make_notice: Any) -> None:
    notice = make_notice(publish=False)
    content = b"%PDF-1.7 " + b"x" * 5000
    response = upload(api_for(officer), notice, content=content, title="Kravspesifikasjon")
    assert response.status_code == 201, response.content
    data = response.json()
    assert data["number"] == 1
    assert data["sha256"] == hashlib.sha256(content).hexdigest()
    assert data["size"] == len(content)
    assert data["content_type"] == "application/pdf"
    (path,) = stored_files(storage_dir / "media")
    assert path.read_bytes() == content
    assert data["sha256"][:16] in str(path)
    assert stored_files(storage_dir / "spool") == []


@override_settings(TENDER_DOCUMENT_MAX_BYTES=1000)
def test_it_refuses_a_file_above_the_size_limit(storage_dir: Path, api_for: Any,
                                                officer: Any, make_notice: Any) -> None:
    notice = make_notice(publish=False)
    response = upload(api_for(officer), notice, content=b"x" * 1001)
    assert response.status_code == 413
    error = response.json()["error"]
    assert error["code"] == "too_large"
    assert "limit" in error["message"]
    assert error["fields"] == {"file": ["Too large."]}
    assert_nothing_stored(storage_dir)


@override_settings(TENDER_DOCUMENT_MAX_BYTES=3 * 1024 * 1024)
def test_it_refuses_a_large_spooled_file_above_the_limit(storage_dir: Path, api_for: Any,
                                                         officer: Any, make_notice: Any
                                                         ) -> None:
    # Above FILE_UPLOAD_MAX_MEMORY_SIZE, so Django spools it to a temporary file first.
    notice = make_notice(publish=False)
    response = upload(api_for(officer), notice, content=b"x" * (3 * 1024 * 1024 + 1))
    assert response.status_code == 413
    # Rounded, both would read "3.0 MB"; the message must show the difference.
    assert response.json()["error"]["message"] == (
        "The file is 3,145,729 B; the limit is 3,145,728 B.")
    assert_nothing_stored(storage_dir)


def test_it_accepts_a_file_exactly_at_the_limit(storage_dir: Path, api_for: Any,
                                                officer: Any, make_notice: Any,
                                                settings: Any) -> None:
    settings.TENDER_DOCUMENT_MAX_BYTES = 1000
    notice = make_notice(publish=False)
    assert upload(api_for(officer), notice, content=b"x" * 1000).status_code == 201


@pytest.mark.parametrize("name", ["virus.exe", "script.sh", "README", "bilde.PDF.exe"])
def test_it_refuses_a_file_type_that_is_not_allowed(name: str, storage_dir: Path,
                                                    api_for: Any, officer: Any,
                                                    make_notice: Any) -> None:
    notice = make_notice(publish=False)
    response = upload(api_for(officer), notice, name=name)
    assert response.status_code == 400
    error = response.json()["error"]
    assert error["code"] == "file_type"
    assert "Allowed types" in error["message"]
    assert_nothing_stored(storage_dir)


def test_it_takes_the_allowed_types_from_settings(storage_dir: Path, api_for: Any,
                                                  officer: Any, make_notice: Any,
                                                  settings: Any) -> None:
    settings.TENDER_DOCUMENT_EXTENSIONS = ["txt"]
    notice = make_notice(publish=False)
    assert upload(api_for(officer), notice, name="krav.pdf").status_code == 400
    assert upload(api_for(officer), notice, name="krav.TXT").status_code == 201


def test_it_refuses_an_empty_file(storage_dir: Path, api_for: Any, officer: Any,
                                  make_notice: Any) -> None:
    notice = make_notice(publish=False)
    response = upload(api_for(officer), notice, content=b"")
    assert response.status_code == 400
    assert "empty" in response.json()["error"]["message"].lower()
    assert_nothing_stored(storage_dir)


def test_it_refuses_an_empty_stream_in_the_service(storage_dir: Path, officer: Any,
                                                   make_notice: Any) -> None:
    # The service checks the bytes it reads, not only the size the client declared.
    import io

    from backend.errors import ApplicationError

    notice = make_notice(publish=False)
    with translation.override("en"), pytest.raises(ApplicationError, match="empty"):
        documents.document_upload(notice=notice, by=officer, stream=io.BytesIO(b""),
                                  filename="tom.pdf")
    assert_nothing_stored(storage_dir)


# Who may upload: the four actors, on drafts and on published notices.

@pytest.mark.parametrize(("actor", "published", "status"), [
    ("other_officer", True, 403),
    ("supplier_user", True, 403),
    (None, True, 401),
    ("other_officer", False, 404),
    ("supplier_user", False, 404),
    (None, False, 401),
])
def test_it_refuses_uploads_by_anyone_but_the_buyer(actor: str | None, published: bool,
                                                    status: int, request: Any,
                                                    storage_dir: Path, api_for: Any,
                                                    make_notice: Any) -> None:
    notice = make_notice(publish=published)
    client = api_for(request.getfixturevalue(actor) if actor else None)
    response = upload(client, notice)
    assert response.status_code == status, response.content
    assert_nothing_stored(storage_dir)
    assert not notice.events.filter(kind="document.version_added").exists()


@pytest.mark.parametrize("published", [False, True])
def test_it_lets_the_buyer_upload_to_drafts_and_published_notices(published: bool,
                                                                  storage_dir: Path,
                                                                  api_for: Any, officer: Any,
                                                                  make_notice: Any) -> None:
    notice = make_notice(publish=published)
    assert upload(api_for(officer), notice).status_code == 201
    assert notice.events.filter(kind="document.version_added").count() == 1


def test_it_keeps_old_versions_downloadable(storage_dir: Path, api_for: Any, officer: Any,
                                            make_notice: Any) -> None:
    notice = make_notice()
    client = api_for(officer)
    first = upload(client, notice, name="krav.txt", content=b"versjon 1\n").json()
    document = TenderDocument.objects.get()
    second = upload(client, notice, name="krav.txt", content=b"versjon 2 med endringer\n",
                    document=document.pk, note="Nytt krav 3.2").json()
    assert (first["number"], second["number"]) == (1, 2)
    assert first["sha256"] != second["sha256"]
    assert document.versions.count() == 2
    assert len(stored_files(storage_dir / "media")) == 2

    anonymous = api_for(None)
    old = anonymous.get(first["download_url"])
    assert old.status_code == 200
    assert b"".join(old.streaming_content) == b"versjon 1\n"
    assert old["ETag"] == f'"{first["sha256"]}"'
    new = anonymous.get(second["download_url"])
    assert b"".join(new.streaming_content) == b"versjon 2 med endringer\n"

    listing = anonymous.get(f"/api/notices/{notice.pk}/documents/").json()
    assert [v["number"] for v in listing[0]["versions"]] == [1, 2]


def test_it_refuses_a_version_of_another_notices_document(storage_dir: Path, api_for: Any,
                                                          officer: Any,
                                                          make_notice: Any) -> None:
    one, other = make_notice(), make_notice()
    client = api_for(officer)
    assert upload(client, one).status_code == 201
    document = TenderDocument.objects.get()
    response = upload(client, other, document=document.pk)
    assert response.status_code == 404
    assert DocumentVersion.objects.count() == 1


def test_it_refuses_uploads_to_a_cancelled_notice(storage_dir: Path, api_for: Any,
                                                  officer: Any, make_notice: Any) -> None:
    from notices import services

    notice = make_notice()
    services.notice_cancel(notice=notice, by=officer, reason="Avlyst.")
    response = upload(api_for(officer), notice)
    assert response.status_code == 409
    assert_nothing_stored(storage_dir)


def test_it_leaves_no_file_behind_when_the_write_fails(storage_dir: Path, api_for: Any,
                                                       officer: Any, make_notice: Any,
                                                       monkeypatch: Any) -> None:
    """A failure after the file is stored rolls back the rows and removes the file."""
    notice = make_notice(publish=False)

    def broken_event(*args: Any, **kwargs: Any) -> None:
        raise RuntimeError("database went away")

    monkeypatch.setattr(documents, "notice_event", broken_event)
    client = api_for(officer)
    client.raise_request_exception = False
    response = client.post(f"/api/notices/{notice.pk}/documents/",
                           {"file": SimpleUploadedFile("krav.pdf", b"%PDF data")},
                           format="multipart")
    assert response.status_code == 500
    assert_nothing_stored(storage_dir)
