"""A request's title kept as a msgid and its parameters, shown in the reader's language.

``approval_request_create(title=gettext_lazy("Line %(number)s: %(klass)s"),
title_params={"number": "8001", "klass": ClassOfService.LOCAL.label})`` stores the
English msgid and the parameters; a lazy parameter (a choice's label) is stored as its
own msgid ``{"msgid": "Local"}`` and translated too when the title is shown.
"""

from __future__ import annotations

from datetime import date, datetime
from decimal import Decimal
from typing import Any

from django.utils import translation
from django.utils.functional import Promise
from django.utils.translation import gettext


def _msgid(text) -> str:
    """The English msgid of a lazy translation (the text itself otherwise)."""
    with translation.override(None):
        return str(text)


def encode_params(params: dict[str, Any]) -> dict[str, Any]:
    encoded: dict[str, Any] = {}
    for key, value in params.items():
        if isinstance(value, Promise):
            encoded[key] = {"msgid": _msgid(value)}
        elif isinstance(value, datetime | date):
            encoded[key] = value.isoformat()
        elif isinstance(value, Decimal | int | float):
            encoded[key] = str(value)
        else:
            encoded[key] = "" if value is None else str(value)
    return encoded


def encode_title(title, params: dict[str, Any] | None) -> tuple[str, dict]:
    """(msgid, encoded params) of a title given as a msgid with parameters."""
    return _msgid(title)[:200], encode_params(params or {})


def title_text(msgid: str, params: dict[str, Any]) -> str:
    """The title in the active language; "" if there is no msgid or it does not fit."""
    if not msgid:
        return ""
    values = {
        key: gettext(value["msgid"]) if isinstance(value, dict) else value
        for key, value in (params or {}).items()
    }
    try:
        return gettext(msgid) % values if values else gettext(msgid)
    except (KeyError, ValueError, TypeError):
        return ""
