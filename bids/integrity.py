"""Browser code integrity: the hashes of the scripts that seal and open bids.

The sealing happens in JavaScript the platform serves, so a changed script could leak a bid
before it is sealed. Three things make such a change detectable:

* every script of the bid, committee and opening pages carries `integrity=` (Subresource
  Integrity, SHA-384) computed from the release's own copy of the file (`sri`), and the ES
  modules they import are pinned by the page's import map (`import_map_json`): the browser
  refuses a script whose bytes differ from the hash in the page;
* the list of SHA-256 hashes of every ETB-1 script of the running release is public at
  `GET /api/scripts/` (`ScriptListApi`), so anyone can compare it with a release they trust;
* `anbud-etb verify-scripts` compares that list with the client's own copy.

What this does not do: the page that carries the hashes comes from the same server, so an
operator who changes both the script and the page defeats SRI. The public list and the CLI
are what let an outsider notice that (docs/threat-model.md).
"""

from __future__ import annotations

import base64
import hashlib
import json
import os
from dataclasses import dataclass
from functools import lru_cache

from django.contrib.staticfiles import finders
from django.contrib.staticfiles.storage import staticfiles_storage
from django.templatetags.static import static
from drf_spectacular.utils import extend_schema
from rest_framework import serializers
from rest_framework.permissions import AllowAny
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

# The static folders whose scripts take part in sealing and opening: the ETB-1 modules, the
# bid, enrolment, opening and receipt pages that call them, and the ESPD module the bid page
# imports (it handles the ESPD response before it is sealed).
SCRIPT_PREFIXES = ("etb1/", "bids/", "espd/")


@dataclass(frozen=True)
class ScriptHash:
    path: str      # relative to STATIC_URL, e.g. "etb1/index.js"
    url: str       # as the browser requests it
    sha256: str    # hex
    sri: str       # "sha384-<base64>", the value of an integrity attribute


def _release_file(path: str) -> str | None:
    """The file of the installed release for this static path.

    The release's own copy (what the staticfiles finders find in the package), not the
    collected copy under STATIC_ROOT that whitenoise serves: so a copy changed after
    collectstatic, in a cache or on its way to the browser no longer matches the page's
    hash, and the browser refuses it. Only a file no finder knows falls back to storage.
    """
    found = finders.find(path)
    if isinstance(found, str):
        return found
    try:
        if staticfiles_storage.exists(path):
            return staticfiles_storage.path(path)
    except NotImplementedError:  # a remote storage has no local path
        pass
    return None


@lru_cache(maxsize=256)
def _digests(filename: str, mtime_ns: int, size: int) -> tuple[str, str]:
    # Keyed on mtime and size so a changed file (development, a deploy) is hashed again.
    sha256, sha384 = hashlib.sha256(), hashlib.sha384()
    with open(filename, "rb") as handle:
        for block in iter(lambda: handle.read(1 << 16), b""):
            sha256.update(block)
            sha384.update(block)
    return sha256.hexdigest(), "sha384-" + base64.b64encode(sha384.digest()).decode()


def script_hash(path: str) -> ScriptHash:
    filename = _release_file(path)
    if filename is None:
        raise FileNotFoundError(f"static file not found: {path}")
    stat = os.stat(filename)
    sha256, sri = _digests(filename, stat.st_mtime_ns, stat.st_size)
    return ScriptHash(path=path, url=static(path), sha256=sha256, sri=sri)


def sri(path: str) -> str:
    """The integrity attribute value for a static file."""
    return script_hash(path).sri


def script_paths() -> list[str]:
    """Every ETB-1 script of this release (relative static paths), sorted."""
    paths: set[str] = set()
    for finder in finders.get_finders():
        for path, _storage in finder.list(["*.md", "*.css", "*.map"]):
            path = path.replace(os.sep, "/")
            if path.endswith(".js") and path.startswith(SCRIPT_PREFIXES):
                paths.add(path)
    return sorted(paths)


def script_list() -> list[ScriptHash]:
    return [script_hash(path) for path in script_paths()]


def import_map_json() -> str:
    """An import map that pins every ETB-1 module by hash (Chromium reads "integrity").

    A module imported by another module cannot carry an integrity attribute in HTML; the
    import map's "integrity" section gives it one. Browsers without import-map integrity
    load the modules unchecked; the CSP still limits them to this origin.
    """
    pins = {item.url: item.sri for item in script_list()}
    # "</" must not end the script element the map is written into.
    return json.dumps({"imports": {}, "integrity": pins}, sort_keys=True).replace("</", "<\\/")


class ScriptSerializer(serializers.Serializer):
    path = serializers.CharField(help_text="Relative to the static URL, e.g. etb1/index.js.")
    url = serializers.CharField(help_text="The address the browser loads it from.")
    sha256 = serializers.CharField(help_text="SHA-256 of the release's copy of the file, hex.")
    sri = serializers.CharField(help_text="The Subresource Integrity value (sha384-…) the "
                                          "pages carry for it.")


class ScriptListSerializer(serializers.Serializer):
    scripts = ScriptSerializer(many=True)


class ScriptListApi(APIView):
    authentication_classes: list[type] = []
    permission_classes = [AllowAny]

    @extend_schema(
        responses=ScriptListSerializer,
        summary="The hashes of every ETB-1 script this server runs",
        description="Public. Compare with a release you trust, or run "
                    "`anbud-etb verify-scripts --server <url>`. The bid, committee and opening "
                    "pages pin the same files with Subresource Integrity.",
    )
    def get(self, request: Request) -> Response:
        items = [{"path": s.path, "url": s.url, "sha256": s.sha256, "sri": s.sri}
                 for s in script_list()]
        return Response({"scripts": items})
