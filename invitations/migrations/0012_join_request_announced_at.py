from django.db import migrations, models
from django.db.models import F


def mark_existing_requests_announced(apps, schema_editor):
    """Requests made before the digest were each announced by an email of their own."""
    JoinRequest = apps.get_model("invitations", "JoinRequest")
    JoinRequest.objects.filter(announced_at__isnull=True).update(announced_at=F("created_at"))


class Migration(migrations.Migration):
    dependencies = [
        ("invitations", "0011_dashboard_indexes"),
    ]

    operations = [
        migrations.AddField(
            model_name="joinrequest",
            name="announced_at",
            field=models.DateTimeField(blank=True, null=True, verbose_name="announced to HR"),
        ),
        migrations.RunPython(mark_existing_requests_announced, migrations.RunPython.noop),
    ]
