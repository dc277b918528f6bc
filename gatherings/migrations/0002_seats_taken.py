"""The seat counter of each gathering, started from the answers already given."""

from django.db import migrations, models

COUNT_SEATS = """
UPDATE gatherings_gathering SET seats_taken = (
    SELECT COUNT(*) FROM gatherings_rsvp
    WHERE gatherings_rsvp.gathering_id = gatherings_gathering.id
      AND gatherings_rsvp.answer = 'yes'
      AND gatherings_rsvp.waitlist_position IS NULL
)
"""


class Migration(migrations.Migration):
    dependencies = [
        ("gatherings", "0001_initial"),
    ]

    operations = [
        migrations.AddField(
            model_name="gathering",
            name="seats_taken",
            field=models.PositiveIntegerField(default=0, editable=False),
        ),
        migrations.RunSQL(COUNT_SEATS, reverse_sql=migrations.RunSQL.noop),
    ]
