import pytest
import time_machine

from extensions.tests.factories import NOW


@pytest.fixture
def frozen_now():
    """The extensions tests' clock: Monday 2026-10-12 10:00 in Shanghai."""
    with time_machine.travel(NOW, tick=False):
        yield NOW
