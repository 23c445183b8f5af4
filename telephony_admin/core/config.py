"""Settings that administrators change in the app (amounts, times, thresholds).

The business rules give defaults, never constants (rules.md). Each app registers its
settings with a default and a type in its ``conf.py`` (imported from
``AppConfig.ready``); ``get(key)`` returns the administrator's override or the default.

    from telephony_admin.core import config
    config.register("billing.premium_multiplier", Decimal("5"), _("Premium call multiplier"))
    config.get("billing.premium_multiplier")  # Decimal('5')
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import time
from decimal import Decimal, InvalidOperation
from typing import Any

from django.core.cache import cache
from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _

CACHE_KEY = "core.config.overrides"


@dataclass(frozen=True)
class Choice:
    """One allowed value of a choice setting, with the words the settings page shows."""

    value: str
    label: Any
    explanation: Any = ""


@dataclass(frozen=True)
class Setting:
    key: str
    default: Any
    label: Any
    help_text: Any = ""
    choices: tuple[Choice, ...] = ()

    def choice(self, value: Any) -> Choice | None:
        return next((c for c in self.choices if c.value == value), None)

    @property
    def kind(self) -> type:
        return type(self.default)

    def parse(self, raw: str) -> Any:
        kind = self.kind
        try:
            if kind is bool:
                if raw.strip().lower() in ("1", "true", "yes", "on"):
                    return True
                if raw.strip().lower() in ("0", "false", "no", "off"):
                    return False
                raise ValueError(raw)
            if kind is Decimal:
                return Decimal(raw.strip())
            if kind is int:
                return int(raw.strip())
            if kind is time:
                return time.fromisoformat(raw.strip())
            if kind is list:
                return [item.strip() for item in raw.split(",") if item.strip()]
            if self.choices and self.choice(raw.strip()) is None:
                raise ValueError(raw)
            return kind(raw.strip()) if self.choices else kind(raw)
        except (ValueError, InvalidOperation) as exc:
            raise ValidationError(
                _("“%(value)s” is not a valid value for %(label)s.")
                % {"value": raw, "label": self.label}
            ) from exc

    def render(self, value: Any) -> str:
        if isinstance(value, bool):
            return "true" if value else "false"
        if isinstance(value, list):
            return ",".join(str(v) for v in value)
        if isinstance(value, time):
            return value.strftime("%H:%M")
        return str(value)


REGISTRY: dict[str, Setting] = {}


def register(
    key: str,
    default: Any,
    label: Any,
    help_text: Any = "",
    *,
    choices: tuple[Choice, ...] | list[Choice] = (),
) -> Setting:
    """Register a setting. ``label`` and ``help_text`` are lazy translations (what the
    setting does, in words); a setting with ``choices`` accepts only their values and
    the settings page shows each one's label and explanation, never the raw value."""
    setting = Setting(
        key=key,
        default=default,
        label=label,
        help_text=help_text,
        choices=tuple(choices),
    )
    REGISTRY[key] = setting
    return setting


def _overrides() -> dict[str, str]:
    overrides = cache.get(CACHE_KEY)
    if overrides is None:
        from .models import ConfigValue

        overrides = dict(ConfigValue.objects.values_list("key", "value"))
        cache.set(CACHE_KEY, overrides, 60)
    return overrides


def get(key: str) -> Any:
    setting = REGISTRY[key]
    raw = _overrides().get(key)
    if raw is None:
        return setting.default
    try:
        return setting.parse(raw)
    except ValidationError:
        return setting.default


def set_value(key: str, value: Any, *, actor=None) -> None:
    """Store an override (validated); used by the settings page and tests."""
    from .models import ConfigValue
    from .services import audit_record

    setting = REGISTRY[key]
    raw = value if isinstance(value, str) else setting.render(value)
    setting.parse(raw)
    ConfigValue.objects.update_or_create(
        key=key, defaults={"value": raw, "updated_by": actor}
    )
    cache.delete(CACHE_KEY)
    audit_record(actor=actor, action="config.set", details={"key": key, "value": raw})


def reset(key: str) -> None:
    from .models import ConfigValue

    ConfigValue.objects.filter(key=key).delete()
    cache.delete(CACHE_KEY)
