"""Requests made before the digest are not announced a second time by it."""

import pytest

BEFORE = ("invitations", "0011_dashboard_indexes")
AFTER = ("invitations", "0012_join_request_announced_at")


@pytest.mark.slow
def test_requests_from_before_the_digest_count_as_announced(migrator):
    old_state = migrator.apply_initial_migration(BEFORE)
    OldJoinRequest = old_state.apps.get_model("invitations", "JoinRequest")
    old = OldJoinRequest.objects.create(
        name="Kari Nordmann", email="kari@example.org", years="2010"
    )

    new_state = migrator.apply_tested_migration(AFTER)

    JoinRequest = new_state.apps.get_model("invitations", "JoinRequest")
    migrated = JoinRequest.objects.get(pk=old.pk)
    assert migrated.announced_at == migrated.created_at
