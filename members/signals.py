"""Signals other apps listen to; members itself knows none of them.

member_erasing  sent with ``member`` inside the erasure transaction, before any row
                is deleted, so an app can turn what it holds about the member into
                anonymous counts.
member_erased   sent with ``email`` (once per address the member used) after the
                rows are gone, so the invitations app can keep a hashed suppression
                entry and never invite the person again.
collect_member_data
                sent with ``member`` by "download my data"; a receiver returns a
                ``(key, json-serialisable data)`` pair that joins the export.
"""

from django.dispatch import Signal

member_erasing = Signal()
member_erased = Signal()
collect_member_data = Signal()
