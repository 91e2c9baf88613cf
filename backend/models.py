"""Imports every model module, so ``Base.metadata`` is complete (Alembic, tests)."""

from backend.accounts import models as accounts_models  # noqa: F401
from backend.catalog import models as catalog_models  # noqa: F401
from backend.core import audit, idempotency, outbox  # noqa: F401
from backend.core.db import Base
from backend.dossiers import models as dossiers_models  # noqa: F401
from backend.integration import models as integration_models  # noqa: F401
from backend.notifications import models as notifications_models  # noqa: F401
from backend.payments import models as payments_models  # noqa: F401
from backend.results import models as results_models  # noqa: F401
from backend.statistics import models as statistics_models  # noqa: F401

metadata = Base.metadata
