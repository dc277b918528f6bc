"""The waiting-list ticket counter of each gathering, started from the tickets already drawn."""

from django.db import migrations, models

COUNT_TICKETS = """
UPDATE gatherings_gathering SET waitlist_tickets = COALESCE((
    SELECT MAX(gatherings_rsvp.waitlist_position) FROM gatherings_rsvp
    WHERE gatherings_rsvp.gathering_id = gatherings_gathering.id
), 0)
"""


class Migration(migrations.Migration):
    dependencies = [
        ("gatherings", "0002_seats_taken"),
    ]

    operations = [
        migrations.AddField(
            model_name="gathering",
            name="waitlist_tickets",
            field=models.PositiveIntegerField(default=0, editable=False),
        ),
        migrations.RunSQL(COUNT_TICKETS, reverse_sql=migrations.RunSQL.noop),
    ]
