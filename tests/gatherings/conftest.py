"""Run code and collect the emails it sent through the outbox."""

import pytest
from django.core import mail

from alumni_network.mail.sending import drain


@pytest.fixture
def sent(django_capture_on_commit_callbacks):
    """Run a block, commit-callbacks included, then drain the outbox; return what was sent.

    The explicit drain matters in tests: the whole test is one transaction, so
    a drain scheduled by an earlier block still counts as pending for the outbox.
    """

    def run(block):
        mail.outbox.clear()
        with django_capture_on_commit_callbacks(execute=True):
            block()
        drain()
        return list(mail.outbox)

    return run
