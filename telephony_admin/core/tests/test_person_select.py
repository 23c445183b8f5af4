"""Person pickers: a plain <select> turned into type-ahead; long lists looked up."""

import pytest
from django import forms
from django.urls import reverse

from telephony_admin.core import config
from telephony_admin.core.widgets import PersonSelect
from telephony_admin.org.models import Employee

pytestmark = pytest.mark.django_db


class PickForm(forms.Form):
    person = forms.ModelChoiceField(
        queryset=Employee.objects.filter(is_active=True).order_by("name"),
        widget=PersonSelect(),
    )
    note = forms.CharField(required=False, max_length=5)


def test_short_list_carries_every_person_for_the_box_to_filter(company):
    html = str(PickForm()["person"])
    assert "data-person-select" in html
    assert "data-person-search" not in html
    for person in Employee.objects.filter(is_active=True):
        assert f'value="{person.pk}"' in html
    assert "tom-select.complete.min.js" in html
    assert "js/person_select.js" in html


def test_long_list_carries_only_the_chosen_person_and_a_search_url(company):
    config.set_value("core.person_picker_inline_max", 2)
    form = PickForm(data={"person": str(company.employee.pk), "note": "too long"})
    assert not form.is_valid()  # the note is too long: the form is shown again
    html = str(form["person"])
    assert f'data-person-search="{reverse("org:people_search")}"' in html
    assert f'value="{company.employee.pk}" selected' in html
    assert f'value="{company.gm.pk}"' not in html
    # Without JavaScript the text box below shows the chosen person's number.
    assert "<noscript>" in html
    assert f'name="person__typed" value="{company.employee.number}"' in html


def test_without_javascript_an_employee_number_or_full_name_picks_the_person(company):
    config.set_value("core.person_picker_inline_max", 2)
    by_number = PickForm(data={"person": "", "person__typed": company.gm.number})
    assert by_number.is_valid(), by_number.errors
    assert by_number.cleaned_data["person"] == company.gm
    by_name = PickForm(data={"person": "", "person__typed": "张三"})
    assert by_name.is_valid(), by_name.errors
    assert by_name.cleaned_data["person"] == company.employee


def test_unknown_typed_name_is_an_error_and_stays_in_the_box(company):
    config.set_value("core.person_picker_inline_max", 2)
    form = PickForm(data={"person": "", "person__typed": "无此人"})
    assert not form.is_valid()
    assert "person" in form.errors
    assert 'name="person__typed" value="无此人"' in str(form["person"])


def test_a_person_outside_the_fields_queryset_is_refused(company):
    company.employee.is_active = False
    company.employee.save(update_fields=["is_active"])
    form = PickForm(data={"person": str(company.employee.pk)})
    assert not form.is_valid()


def test_people_search_finds_by_name_and_number(client, company):
    client.force_login(company.operator.user)
    url = reverse("org:people_search")
    results = client.get(url, {"q": "张"}).json()["results"]
    assert {"value": company.employee.pk}.items() <= results[0].items()
    assert "张三 · 销售部" in results[0]["text"]
    by_number = client.get(url, {"q": company.gm.number}).json()["results"]
    assert company.gm.pk in [r["value"] for r in by_number]
    assert client.get(url, {"q": ""}).json() == {"results": []}


def test_people_search_with_a_scope_gives_a_head_their_department_only__R_ORG_3(
    client, company
):
    client.force_login(company.head_sales.user)
    url = reverse("org:people_search")
    everyone = client.get(url, {"q": "李"}).json()["results"]
    scoped = client.get(url, {"q": "李", "scope": "requests.file"}).json()["results"]
    ids = {r["value"] for r in scoped}
    assert company.employee_east.pk in ids  # a sub-department of sales
    assert all(
        Employee.objects.get(pk=i).department_id
        in (company.dept_sales.pk, company.dept_sales_east.pk)
        for i in ids
    )
    assert len(everyone) >= len(scoped)


def test_people_search_refuses_a_scope_the_user_lacks_and_strangers(client, company):
    url = reverse("org:people_search")
    assert client.get(url, {"q": "张"}).status_code == 302  # to the login page
    client.force_login(company.employee.user)
    assert client.get(url, {"q": "张", "scope": "lines.edit"}).status_code == 403
    assert client.get(url, {"q": "张", "scope": "no.such"}).status_code == 403


def test_absence_form_keeps_the_chosen_delegate_on_error(client, company):
    client.force_login(company.employee.user)
    response = client.post(
        reverse("approvals:absences"),
        {
            "starts_on": "2026-03-10",
            "ends_on": "2026-03-01",
            "delegate": str(company.employee_east.pk),
        },
    )
    html = response.content.decode()
    assert "The absence must end on or after its start." in html
    assert f'value="{company.employee_east.pk}" selected' in html
    assert "data-person-select" in html
