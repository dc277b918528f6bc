"""Who may do what in invitations (django-rules permissions).

Views enforce these with `members.access.permission_required`; the coordinator
role comes from members/rules.py. The links in emails (join, decline) and the
public request to join need no login and no permission: their signed token, or
nothing at all, is what they ask for.
"""

import rules

from members.rules import is_coordinator

# The leavers register: the list, a leaver's page and erasure, retention,
# segments, and the import wizard.
rules.add_perm("invitations.manage_register", is_coordinator)
# Campaigns: create, edit, preview, test, send/pause/resume, progress; the outbox page.
rules.add_perm("invitations.run_campaigns", is_coordinator)
# Requests to join from the public page: list them, approve or reject.
rules.add_perm("invitations.decide_join_requests", is_coordinator)
