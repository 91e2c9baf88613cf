"""The DVCQG portal simulator and a received dossier, for the sync → facts test."""

from tests.api.integration.test_dvcqg import portal, received, sim  # noqa: F401
