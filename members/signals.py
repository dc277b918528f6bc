"""Signals other apps listen to; members itself knows none of them.

member_erasing  sent with ``member`` inside the erasure transaction, before any row
                is deleted: each app deletes or anonymises everything it holds about
                the person (rows by member, and rows by any of
                ``members.owndata.member_addresses(member)``), keeping at most
                anonymous counts. Nothing with their name or address may stay.
member_erased   sent with ``email`` (once per address the member used) after the
                rows are gone, so the invitations app can keep a hashed suppression
                entry and never invite the person again.
collect_member_data
                sent with ``member`` by "download my data"; a receiver returns a
                ``(key, json-serialisable data)`` pair that joins the export. Each
                app contributes everything it keeps about the person; others
                appear only as the person may see them.
"""

from django.dispatch import Signal

member_erasing = Signal()
member_erased = Signal()
collect_member_data = Signal()
