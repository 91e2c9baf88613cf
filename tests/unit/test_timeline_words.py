"""Every step a dossier's timeline can show reads in plain words (the SPA shows them as is)."""

import pytest

import backend.dossiers.queries  # noqa: F401 - registers the timeline messages
from backend.core.i18n import translate
from backend.dossiers.states import TRANSITIONS

ACTIONS = sorted({action for (_status, action) in TRANSITIONS} | {"pay"})


@pytest.mark.parametrize("action", ACTIONS)
@pytest.mark.parametrize("locale", ["vi", "en"])
def test_every_step_has_words(action, locale):
    assert not translate(f"timeline.{action}", locale).startswith("timeline.")
