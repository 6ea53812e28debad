"""The client-sealed route end to end: start, parts, shares, finalise, receipt, proofs."""

from __future__ import annotations

import os
from typing import Any

from bids.models import LogEntry, Submission, SubmissionStatus
from crypto import merkle
from crypto.receipts import verify_receipt
from crypto.tlog import entry_leaf_hash, verify_tree_head
from tests.bids.conftest import Tender, base, submit


def test_it_issues_a_signed_receipt_that_verifies_with_the_published_key(
        tender: Tender, supplier_api: Any, supplier: Any) -> None:
    started, response = submit(supplier_api, tender.notice, os.urandom(1_500_000))
    assert response.status_code == 201, response.json()
    signed = response.json()
    key = supplier_api.get("/api/keys/").json()["public_key"]
    receipt = verify_receipt(signed, key)
    assert receipt["submission"] == started["id"]
    assert receipt["bidder"] == supplier.identifier
    assert receipt["sealing"] == "client"
    assert receipt["chunks"] == 2
    submission = Submission.objects.get(pk=started["id"])
    assert submission.status == SubmissionStatus.SEALED
    assert submission.received_at < tender.notice.submission_deadline
    again = supplier_api.get(f"{base(tender.notice)}{started['id']}/receipt").json()
    assert again == signed


def test_it_serves_an_inclusion_proof_and_consistency_proofs(
        tender: Tender, supplier_api: Any) -> None:
    first_sth = supplier_api.get("/api/log/sth").json()
    started, response = submit(supplier_api, tender.notice, b"tilbud" * 1000)
    receipt = response.json()["receipt"]
    proof = supplier_api.get(f"{base(tender.notice)}{started['id']}/inclusion-proof").json()
    key = supplier_api.get("/api/keys/").json()["public_key"]
    head = verify_tree_head(proof["signed_tree_head"], key)
    assert proof["index"] == receipt["log_index"]
    leaf = entry_leaf_hash(proof["entry"])
    merkle.verify_inclusion(leaf, proof["index"], head["size"],
                            [bytes.fromhex(p) for p in proof["path"]],
                            bytes.fromhex(head["root"]))
    assert proof["entry"]["context_hash"] == receipt["context_hash"]
    second_sth = supplier_api.get("/api/log/sth").json()
    first, second = first_sth["tree_head"]["size"], second_sth["tree_head"]["size"]
    consistency = supplier_api.get(f"/api/log/consistency?first={first}&second={second}").json()
    merkle.verify_consistency(first, second, bytes.fromhex(first_sth["tree_head"]["root"]),
                              bytes.fromhex(second_sth["tree_head"]["root"]),
                              [bytes.fromhex(p) for p in consistency["path"]])
    assert LogEntry.objects.count() == second


def test_it_shows_a_readable_receipt(tender: Tender, supplier_api: Any) -> None:
    started, _response = submit(supplier_api, tender.notice, b"x" * 100)
    page = supplier_api.get(f"{base(tender.notice)}{started['id']}/receipt.html")
    assert page.status_code == 200
    text = page.content.decode()
    assert "Oslo time" in text and "UTC" in text and started["id"] in text
