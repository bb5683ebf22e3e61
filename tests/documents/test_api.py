"""/api/documents: scoped like the pages; malformed subject parameters are 422 in Chinese."""

from __future__ import annotations

from typing import Any

import pytest
from django.test import Client

pytestmark = pytest.mark.django_db


def _client(world: Any, unit: str, role: str) -> Client:
    client = Client()
    client.force_login(world.user(unit, role))
    return client


def test_a_subjects_documents_in_file_order(world: Any, issue: Any) -> None:
    receipt, decision = issue("service_receipt"), issue("penalty_decision")
    data = _client(world, "county_a", "officer").get(
        "/api/documents/", {"subject_type": "cases.case", "subject_id": "1"}).json()
    assert [d["id"] for d in data] == [decision.pk, receipt.pk]
    assert data[0]["pdf_sm3"] == decision.pdf_sm3 and data[0]["unit_name"] == "固安县生态环境综合执法大队"
    assert data[0]["revoked"] is False and "context" not in data[0]
    other = _client(world, "county_b", "officer").get(
        "/api/documents/", {"subject_type": "cases.case", "subject_id": "1"}).json()
    assert other == []


def test_detail_outside_the_jurisdiction_is_404(world: Any, issue: Any) -> None:
    doc = issue("correction_order")
    assert _client(world, "county_a", "supervisor").get(f"/api/documents/{doc.pk}").json()["code"] == doc.code
    response = _client(world, "county_b", "officer").get(f"/api/documents/{doc.pk}")
    assert response.status_code == 404 and response.json()["detail"] == "未找到，或不在您的辖区内"


BAD = [
    {"subject_type": "cases.case"},
    {"subject_type": "x\x00.y", "subject_id": "1"},
    {"subject_type": "cases.case", "subject_id": "1" * 41},
]


@pytest.mark.parametrize("params", BAD)
def test_malformed_parameters_are_refused(world: Any, params: dict[str, str]) -> None:
    response = _client(world, "county_a", "officer").get("/api/documents/", params)
    assert response.status_code == 422


def test_anonymous_and_roles_without_documents(world: Any) -> None:
    assert Client().get("/api/documents/1").status_code == 401
    assert _client(world, "county_a", "auditadmin").get("/api/documents/1").status_code == 403
