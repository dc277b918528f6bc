"""The outbox, the suppression list and the webhook events now belong to the mail app.

State only: the tables stay as they are (mail 0001 takes them over under the
same names), so no row moves. The content types follow, so anything pointing
at them (permissions) keeps pointing at the same models.
"""

from django.db import migrations

MOVED = ["outboxemail", "processedwebhookevent", "suppression"]


def content_types_to_mail(apps, schema_editor):
    ContentType = apps.get_model("contenttypes", "ContentType")
    ContentType.objects.using(schema_editor.connection.alias).filter(
        app_label="invitations", model__in=MOVED
    ).exclude(
        model__in=ContentType.objects.filter(app_label="mail").values("model")
    ).update(app_label="mail")


def content_types_to_invitations(apps, schema_editor):
    ContentType = apps.get_model("contenttypes", "ContentType")
    ContentType.objects.using(schema_editor.connection.alias).filter(
        app_label="mail", model__in=MOVED
    ).exclude(
        model__in=ContentType.objects.filter(app_label="invitations").values("model")
    ).update(app_label="invitations")


class Migration(migrations.Migration):
    dependencies = [
        ("contenttypes", "0002_remove_content_type_name"),
        ("invitations", "0007_leaver_change_import_unchecked"),
        ("mail", "0001_initial"),
    ]

    operations = [
        migrations.SeparateDatabaseAndState(
            state_operations=[
                migrations.DeleteModel(name="OutboxEmail"),
                migrations.DeleteModel(name="ProcessedWebhookEvent"),
                migrations.DeleteModel(name="Suppression"),
            ],
            database_operations=[],
        ),
        migrations.RunPython(content_types_to_mail, content_types_to_invitations),
    ]
