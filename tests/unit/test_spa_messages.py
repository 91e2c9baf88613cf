"""The SPA shows the server's own validation messages (frontend/src/forms/server-messages.json)."""

import json
from pathlib import Path

from backend.accounts.validators import MESSAGES as ACCOUNT_MESSAGES
from backend.catalog.forms import MESSAGES as FORM_MESSAGES

COPY = Path(__file__).resolve().parents[2] / "frontend" / "src" / "forms" / "server-messages.json"


def test_the_spa_copy_of_the_validation_messages_matches_the_server():
    copy = json.loads(COPY.read_text(encoding="utf-8"))
    server = {**FORM_MESSAGES, **ACCOUNT_MESSAGES}

    assert set(FORM_MESSAGES) <= set(copy), "every e-form message is known to the SPA"
    for key, text in copy.items():
        assert text == {"vi": server[key]["vi"], "en": server[key]["en"]}, key
