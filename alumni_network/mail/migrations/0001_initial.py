"""The outbox's models move here from `invitations`, their tables as they are.

Only Django's record of the models changes: the tables keep their names (see
each model's db_table) and no row is copied. invitations 0008 forgets them on
its side once this has taken them over.
"""

import django.db.models.deletion
import django.utils.timezone
from django.db import migrations, models


class Migration(migrations.Migration):

    initial = True

    dependencies = [
        ('contenttypes', '0002_remove_content_type_name'),
        # The tables were made by invitations' migrations up to here.
        ('invitations', '0007_leaver_change_import_unchecked'),
    ]

    operations = [
        migrations.SeparateDatabaseAndState(
            state_operations=[
            migrations.CreateModel(
                name='ProcessedWebhookEvent',
                fields=[
                    ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                    ('event_id', models.CharField(max_length=255, unique=True, verbose_name='event id')),
                    ('event_type', models.CharField(max_length=32, verbose_name='event type')),
                    ('received_at', models.DateTimeField(default=django.utils.timezone.now, verbose_name='received')),
                ],
                options={
                    'verbose_name': 'processed webhook event',
                    'verbose_name_plural': 'processed webhook events',
                    'db_table': 'invitations_processedwebhookevent',
                },
            ),
            migrations.CreateModel(
                name='Suppression',
                fields=[
                    ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                    ('email_hash', models.CharField(max_length=64, unique=True, verbose_name='email hash')),
                    ('reason', models.CharField(choices=[('opted_out', 'Opted out'), ('bounced', 'Bounced'), ('complained', 'Complained'), ('erased', 'Erased')], max_length=16, verbose_name='reason')),
                    ('created_at', models.DateTimeField(default=django.utils.timezone.now, verbose_name='created')),
                ],
                options={
                    'verbose_name': 'suppression',
                    'verbose_name_plural': 'suppressions',
                    'db_table': 'invitations_suppression',
                },
            ),
            migrations.CreateModel(
                name='OutboxEmail',
                fields=[
                    ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                    ('to_email', models.EmailField(max_length=254, verbose_name='recipient')),
                    ('kind', models.CharField(max_length=64, verbose_name='kind')),
                    ('language', models.CharField(choices=[('nb', 'Norwegian Bokmål'), ('en', 'English')], max_length=8, verbose_name='language')),
                    ('bulk', models.BooleanField(default=False, verbose_name='bulk')),
                    ('object_id', models.PositiveBigIntegerField(blank=True, null=True)),
                    ('data', models.JSONField(blank=True, default=dict, verbose_name='data')),
                    ('dedupe_key', models.CharField(blank=True, max_length=200, null=True, verbose_name='deduplication key')),
                    ('reply_to', models.EmailField(blank=True, max_length=254, verbose_name='reply to')),
                    ('status', models.CharField(choices=[('queued', 'Queued'), ('sending', 'Sending'), ('sent', 'Sent'), ('failed', 'Failed'), ('suppressed', 'Suppressed'), ('held', 'Held'), ('cancelled', 'Cancelled')], default='queued', max_length=16, verbose_name='status')),
                    ('attempts', models.PositiveSmallIntegerField(default=0, verbose_name='attempts')),
                    ('next_attempt_at', models.DateTimeField(default=django.utils.timezone.now, verbose_name='next attempt')),
                    ('claimed_at', models.DateTimeField(blank=True, null=True, verbose_name='claimed')),
                    ('provider_message_id', models.CharField(blank=True, max_length=255, verbose_name='message id')),
                    ('last_error', models.TextField(blank=True, verbose_name='last error')),
                    ('created_at', models.DateTimeField(default=django.utils.timezone.now, verbose_name='created')),
                    ('sent_at', models.DateTimeField(blank=True, null=True, verbose_name='sent')),
                    ('content_type', models.ForeignKey(blank=True, null=True, on_delete=django.db.models.deletion.CASCADE, related_name='+', to='contenttypes.contenttype')),
                ],
                options={
                    'verbose_name': 'outgoing email',
                    'verbose_name_plural': 'outgoing emails',
                    'db_table': 'invitations_outboxemail',
                    'ordering': ['-created_at', '-pk'],
                    'indexes': [models.Index(condition=models.Q(('status', 'queued')), fields=['next_attempt_at', 'id'], name='outbox_due_idx'), models.Index(fields=['content_type', 'object_id'], name='outbox_refers_idx'), models.Index(fields=['kind', 'status'], name='outbox_kind_status_idx')],
                    'constraints': [models.UniqueConstraint(condition=models.Q(('dedupe_key__isnull', False)), fields=('dedupe_key',), name='outbox_dedupe_key_unique'), models.CheckConstraint(condition=models.Q(models.Q(('status', 'sent'), _negated=True), ('sent_at__isnull', False), _connector='OR'), name='outbox_sent_has_time')],
                },
            ),
            ],
            database_operations=[],
        ),
    ]
