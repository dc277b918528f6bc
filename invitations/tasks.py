"""The invitations app's Celery tasks, where Celery's autodiscovery looks for them."""

from .campaigns.tasks import run_campaigns, start_campaign_task  # noqa: F401
from .joining.tasks import announce_join_requests_task  # noqa: F401
from .register.tasks import (  # noqa: F401
    commit_register_import,
    forget_abandoned_imports_task,
    preview_register_import,
    purge_unanswered_leavers,
)
