"""Browser code integrity: CSP, Subresource Integrity and the published script hashes."""

from __future__ import annotations

import base64
import hashlib
import json
import os
import re
import subprocess
import sys
from pathlib import Path

import pytest
from django.conf import settings
from django.test import Client

from accounts.models import User
from tests.bids.conftest import Tender

ROOT = Path(__file__).resolve().parents[2]
ETB1 = ROOT / "crypto" / "static" / "etb1"
SCRIPT_TAG = re.compile(r"<script\b([^>]*)>(.*?)</script>", re.S)


def _web(user: User | None) -> Client:
    client = Client(HTTP_ACCEPT_LANGUAGE="en")
    if user is not None:
        client.force_login(user)
    return client


def _sri(path: Path) -> str:
    return "sha384-" + base64.b64encode(hashlib.sha384(path.read_bytes()).digest()).decode()


def _static_file(url: str) -> Path:
    rel = url.removeprefix(settings.STATIC_URL)
    for folder in (ROOT / "crypto" / "static", ROOT / "backend" / "static",
                   ROOT / "bids" / "static", ROOT / "notices" / "static"):
        if (folder / rel).is_file():
            return folder / rel
    raise AssertionError(f"no static file for {url}")


def _policy(response) -> dict[str, list[str]]:
    header = response["Content-Security-Policy"]
    return {part.split()[0]: part.split()[1:] for part in header.split(";") if part.strip()}


@pytest.fixture
def pages(tender: Tender, supplier_user: User, officer: User) -> dict[str, tuple[User, str]]:
    pk = tender.notice.pk
    member = tender.members[0]
    return {
        "bid": (supplier_user, f"/bids/notices/{pk}/bid/"),
        "committee": (member.user, f"/bids/notices/{pk}/committee/"),
        "enrol": (member.user, f"/bids/notices/{pk}/committee/{member.member.pk}/key/"),
        "opening": (officer, f"/bids/notices/{pk}/opening/"),
    }


@pytest.mark.django_db
def test_it_sends_a_policy_that_allows_only_the_platforms_own_scripts(client):
    response = client.get("/")
    policy = _policy(response)
    assert policy["script-src"][0] == "'self'"
    assert all(s == "'self'" or s.startswith("'nonce-") for s in policy["script-src"])
    assert "'unsafe-inline'" not in response["Content-Security-Policy"]
    assert "'unsafe-eval'" not in response["Content-Security-Policy"]
    assert policy["object-src"] == ["'none'"] and policy["base-uri"] == ["'none'"]
    assert policy["frame-ancestors"] == ["'none'"]


@pytest.mark.django_db
def test_it_has_no_inline_script_in_any_template():
    templates = [p for p in ROOT.glob("*/templates/**/*.html") if ".venv" not in p.parts]
    assert templates
    for template in templates:
        text = template.read_text(encoding="utf-8")
        assert "javascript:" not in text, template
        assert not re.search(r"\son[a-z]+=\"", text), template
        for attrs, body in SCRIPT_TAG.findall(text):
            assert "src=" in attrs or not body.strip(), f"inline script in {template}"


@pytest.mark.django_db
@pytest.mark.parametrize("page", ["bid", "committee", "enrol", "opening"])
def test_it_pins_every_script_of_the_bid_committee_and_opening_pages(pages, page):
    user, url = pages[page]
    response = _web(user).get(url)
    assert response.status_code == 200, (page, response.status_code)
    html = response.content.decode()
    scripts = SCRIPT_TAG.findall(html)
    external = [attrs for attrs, _body in scripts if "src=" in attrs]
    assert external
    for attrs in external:
        src = re.search(r'src="([^"]+)"', attrs).group(1)
        integrity = re.search(r'integrity="([^"]+)"', attrs)
        assert integrity, f"{page}: {src} has no integrity"
        assert integrity.group(1) == _sri(_static_file(src)), src
    # The modules those scripts import are pinned by the import map, with the CSP nonce.
    maps = [(attrs, body) for attrs, body in scripts if 'type="importmap"' in attrs]
    assert len(maps) == 1
    attrs, body = maps[0]
    nonce = re.search(r'nonce="([^"]+)"', attrs).group(1)
    assert f"'nonce-{nonce}'" in _policy(response)["script-src"]
    pins = json.loads(body)["integrity"]
    for module in ETB1.glob("*.js"):
        assert pins[f"/static/etb1/{module.name}"] == _sri(module), module.name
    assert pins["/static/bids/common.js"] == _sri(ROOT / "bids/static/bids/common.js")


@pytest.mark.django_db
def test_it_publishes_the_hash_of_every_etb1_script(client):
    response = client.get("/api/scripts/")
    assert response.status_code == 200
    listed = {item["path"]: item for item in response.json()["scripts"]}
    for module in ETB1.glob("*.js"):
        item = listed[f"etb1/{module.name}"]
        assert item["sha256"] == hashlib.sha256(module.read_bytes()).hexdigest()
        assert item["sri"] == _sri(module)
        assert item["url"] == f"/static/etb1/{module.name}"
    assert "bids/bid.js" in listed and "bids/opening.js" in listed
    assert not any(path.endswith((".md", ".css")) for path in listed)


@pytest.mark.django_db
def test_it_documents_the_script_list_in_the_schema(client):
    schema = client.get("/api/schema/", HTTP_ACCEPT="application/json").json()
    operation = schema["paths"]["/api/scripts/"]["get"]
    assert operation["security"] == [{}]  # public: no sign-in
    assert operation["responses"]["200"]["content"]["application/json"]["schema"]["$ref"] == \
        "#/components/schemas/ScriptList"
    # The token header is described for the endpoints that take it.
    assert schema["components"]["securitySchemes"]["tokenAuth"]["name"] == "Authorization"
    assert {"tokenAuth": []} in schema["paths"]["/api/auth/tokens/"]["get"]["security"]


@pytest.mark.django_db
def test_it_serves_the_api_docs_without_inline_script(client):
    page = client.get("/api/docs/")
    assert page.status_code == 200
    for attrs, body in SCRIPT_TAG.findall(page.content.decode()):
        assert "src=" in attrs and not body.strip()


def _settings_with(env: dict[str, str]) -> dict[str, object]:
    code = ("import json, django; from django.conf import settings; django.setup(); "
            "print(json.dumps({k: getattr(settings, k, None) for k in "
            "['SECURE_HSTS_SECONDS', 'SECURE_HSTS_INCLUDE_SUBDOMAINS', 'SECURE_HSTS_PRELOAD', "
            "'SESSION_COOKIE_SECURE']}))")
    environ = {**os.environ, "DJANGO_SETTINGS_MODULE": "backend.settings.base", "DEBUG": "0",
               **env}
    environ.pop("ANBUD_HTTPS", None) if "ANBUD_HTTPS" not in env else None
    out = subprocess.run([sys.executable, "-c", code], env=environ, cwd=ROOT, check=True,
                         capture_output=True, text=True).stdout
    return json.loads(out.strip().splitlines()[-1])


def test_it_turns_on_hsts_when_anbud_https_is_set():
    on = _settings_with({"ANBUD_HTTPS": "1"})
    assert on["SECURE_HSTS_SECONDS"] == 365 * 24 * 3600
    assert on["SECURE_HSTS_INCLUDE_SUBDOMAINS"] is True
    assert on["SECURE_HSTS_PRELOAD"] is False
    off = _settings_with({})
    assert not off["SECURE_HSTS_SECONDS"]


@pytest.mark.django_db
def test_it_sends_the_hsts_header_over_tls(client, settings):
    settings.SECURE_HSTS_SECONDS = 31536000
    settings.SECURE_HSTS_INCLUDE_SUBDOMAINS = True
    response = client.get("/", secure=True)
    assert response["Strict-Transport-Security"] == "max-age=31536000; includeSubDomains"


def test_it_hashes_the_release_copy_not_a_changed_collected_copy(settings, tmp_path):
    """A copy changed after collectstatic (or by a cache) no longer matches the page's hash."""
    from django.contrib.staticfiles.storage import staticfiles_storage

    from bids import integrity

    collected = tmp_path / "static"
    (collected / "etb1").mkdir(parents=True)
    (collected / "etb1" / "util.js").write_text("// not the release\n")
    settings.STATIC_ROOT = collected  # Django resets the storage on this change
    assert staticfiles_storage.exists("etb1/util.js")
    assert integrity.sri("etb1/util.js") == _sri(ETB1 / "util.js")
