"""A request's title reads in the reader's language, whoever filed it (issue 15)."""

import pytest
from django.utils import translation
from django.utils.translation import gettext_lazy

from extensions.models import ClassOfService
from telephony_admin.approvals.models import ApprovalRequest
from telephony_admin.approvals.services import StepSpec, approval_request_create
from telephony_admin.org.models import Role

pytestmark = pytest.mark.django_db


def _file_in_chinese(c):
    with translation.override("zh-hans"):
        return approval_request_create(
            subject=c.employee,
            kind="test_titles",
            requester=c.employee,
            title=gettext_lazy("Line %(number)s: %(klass)s"),
            title_params={"number": "8001", "klass": ClassOfService.DOMESTIC.label},
            chain=[StepSpec(label=gettext_lazy("Administration"), role=Role.ADMIN)],
        )


def test_a_title_filed_in_chinese_reads_in_english_for_an_english_reader(company):
    request = _file_in_chinese(company)
    assert "8001" in request.title and "国内长途" in request.title
    assert request.title_msgid == "Line %(number)s: %(klass)s"
    assert request.title_params["klass"] == {"msgid": "Domestic long distance"}
    request = ApprovalRequest.objects.get(pk=request.pk)
    with translation.override("en"):
        assert request.shown_title == "Line 8001: Domestic long distance"
    with translation.override("zh-hans"):
        assert "国内长途" in request.shown_title and "Line" not in request.shown_title


def test_the_request_pages_show_the_title_in_the_readers_language(client, company):
    request = _file_in_chinese(company)
    client.force_login(company.employee.user)
    page = client.get(f"/approvals/{request.pk}/", HTTP_ACCEPT_LANGUAGE="en")
    assert "Line 8001: Domestic long distance" in page.content.decode()
    client.force_login(company.admin.user)
    inbox = client.get("/approvals/", HTTP_ACCEPT_LANGUAGE="en").content.decode()
    assert "Line 8001: Domestic long distance" in inbox


def test_a_title_stored_as_plain_text_is_shown_as_written(company):
    request = approval_request_create(
        subject=company.employee,
        kind="test_titles",
        requester=company.employee,
        title="长途电话 8001",
        chain=[StepSpec(label="Admin", role=Role.ADMIN)],
    )
    with translation.override("en"):
        assert request.shown_title == "长途电话 8001" == str(request)
