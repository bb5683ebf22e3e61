"""The Code's art 146: a real-name complaint about an entity that becomes a lead, then a case served
on the entity — the reporter's name and phone appear in none of the entity's pages, the documents
issued to it (their content, the DOCX and the PDF it downloads)."""

from __future__ import annotations

import io
import json
import zipfile
from typing import Any

import pytest
from django.core.files.storage import default_storage

from ecoenforce.cases.case_services import case_open
from ecoenforce.cases.models import Lead
from ecoenforce.complaints import services as complaint_services
from ecoenforce.complaints.models import Channel
from ecoenforce.documents.models import IssuedDocument
from tests.cases.conftest import catalog, drive  # noqa: F401 (fixtures)
from tests.cases.driver import ACT_DATE
from tests.cases.helpers import make_entity

pytestmark = pytest.mark.django_db
NAME, PHONE = "欧阳秘举", "13900001234"


def test_a_complaint_turned_case_never_shows_the_reporter_to_the_entity(
    world: Any,
    drive: Any,  # noqa: F811
    bind: Any,
) -> None:
    entity = make_entity(drive.unit, 4242, by=drive.officer)
    complaint, _ = complaint_services.complaint_submit(
        channel=Channel.PORTAL,
        category="air",
        description="该厂夜间偷排废气。",
        division_code="131022",
        address="工业园",
        identity={"name": NAME, "phone": PHONE},
    )
    complaint.entity = entity
    complaint.save()
    handler = world.user("county_a", "complaint_handler")
    complaint_services.complaint_dispatch(complaint=complaint, unit=world.units["county_a"], by=handler)
    complaint_services.complaint_verify(
        complaint=complaint, finding="violation", verification="现场发现废气直排。", by=drive.officer
    )
    lead = Lead.objects.get(source_kind="complaint", source_ref=complaint.number)
    case = case_open(
        lead=lead,
        by=drive.officer,
        act_date=ACT_DATE,
        item_codes=["AIR-100-1"],
        officers=[drive.officer, drive.officer2],
        procedure="general",
        title="超标排放大气污染物案",
    )
    case = drive.to(case, "served")
    _, client = bind(entity, "ent_146")
    docs = IssuedDocument.objects.filter(subject_type="cases.case", subject_id=str(case.pk))
    assert docs.filter(kind="penalty_decision").exists()
    pages = [client.get("/enterprise/").content.decode()]
    for doc in docs:
        assert NAME not in json.dumps(doc.context, ensure_ascii=False), doc.kind
        with default_storage.open(str(doc.docx.name), "rb") as f, zipfile.ZipFile(io.BytesIO(f.read())) as z:
            xml = "".join(z.read(n).decode("utf-8", "replace") for n in z.namelist() if n.endswith(".xml"))
        assert NAME not in xml and PHONE not in xml, doc.kind
        r = client.get(f"/enterprise/files/documents/{doc.pk}/")
        if r.status_code == 200:
            pages.append(r.content.decode("latin-1"))
    for html in pages:
        assert NAME not in html and PHONE not in html
    assert len(pages) > 1  # the party's documents were downloadable
