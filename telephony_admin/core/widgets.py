"""Form widgets shared by every app.

``PersonSelect`` is the person picker: a plain ``<select>`` that
``static/js/person_select.js`` turns into a type-ahead box with Tom Select (vendored
in ``static/vendor/tom-select-<version>/``). Use it on any ``ModelChoiceField`` over
``org.Employee``::

    owner = forms.ModelChoiceField(queryset=..., widget=PersonSelect())

Up to ``core.person_picker_inline_max`` people the page carries them all as options
and the box filters them as one types. Beyond that the ``<select>`` carries only the
chosen person; the box asks ``org:people_search`` as one types (``scope`` names a
capability to limit the suggestions to the user's scope of it), and without
JavaScript a text box below takes an employee number or an exact name. Whatever is
posted, the form field's own queryset decides what is valid, and a form shown again
with errors keeps what the user chose or typed.
"""

from __future__ import annotations

from urllib.parse import urlencode

from django import forms
from django.db.models import Q
from django.urls import reverse

from . import config

TYPED_SUFFIX = "__typed"


class PersonSelect(forms.Select):
    template_name = "core/widgets/person_select.html"

    def __init__(self, attrs=None, *, scope: str = ""):
        super().__init__(attrs)
        self.scope = scope

    # --- the choices' queryset (a ModelChoiceIterator), when there is one -------

    def _queryset(self):
        return getattr(self.choices, "queryset", None)

    def _is_remote(self) -> bool:
        queryset = self._queryset()
        if queryset is None:
            return False
        return queryset.count() > config.get("core.person_picker_inline_max")

    def _search_url(self) -> str:
        params = {"scope": self.scope} if self.scope else {}
        url = reverse("org:people_search")
        return f"{url}?{urlencode(params)}" if params else url

    # --- rendering ------------------------------------------------------------------

    def get_context(self, name, value, attrs):
        remote = self._is_remote()
        if remote:
            # Only the chosen person (and the empty choice) go into the page.
            full_choices = self.choices
            self.choices = list(self._chosen_choices(value))
            try:
                context = super().get_context(name, value, attrs)
            finally:
                self.choices = full_choices
        else:
            context = super().get_context(name, value, attrs)
        widget = context["widget"]
        widget["attrs"]["data-person-select"] = ""
        widget["remote"] = remote
        if remote:
            widget["attrs"]["data-person-search"] = self._search_url()
            widget["typed_name"] = name + TYPED_SUFFIX
            widget["typed_value"] = self._typed_value(value)
        return context

    def _chosen_choices(self, value):
        iterator = self.choices
        field = iterator.field
        if field.empty_label is not None:
            yield ("", field.empty_label)
        values = value if isinstance(value, list | tuple) else [value]
        pks = [v for v in values if v not in (None, "") and str(v).isdigit()]
        if pks:
            for person in iterator.queryset.filter(pk__in=pks):
                yield (iterator.choice(person)[0], field.label_from_instance(person))

    def _typed_value(self, value) -> str:
        if value in (None, ""):
            return ""
        if str(value).isdigit():
            person = self._queryset().filter(pk=value).first()
            return person.number if person is not None else ""
        return str(value)  # a name or number typed without JavaScript, not found

    # --- reading the post ---------------------------------------------------------

    def value_from_datadict(self, data, files, name):
        value = super().value_from_datadict(data, files, name)
        typed = (data.get(name + TYPED_SUFFIX) or "").strip()
        if value or not typed:
            return value
        queryset = self._queryset()
        if queryset is None:
            return typed
        matches = list(
            queryset.filter(Q(number=typed) | Q(name=typed)).values_list(
                "pk", flat=True
            )[:2]
        )
        return str(matches[0]) if len(matches) == 1 else typed

    def value_omitted_from_data(self, data, files, name):
        return name not in data and name + TYPED_SUFFIX not in data
