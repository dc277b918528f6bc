"""Provider events per address and outbox row; webhook events handled per recipient.

Rows of ProcessedWebhookEvent recorded before this keep their event id with an
empty recipient hash, so they stay unique under the new (event id, recipient)
constraint; a provider re-delivering one of them is handled once more, which
is harmless (suppressing twice changes nothing).
"""

import django.db.models.deletion
import django.utils.timezone

from django.db import migrations, models


class Migration(migrations.Migration):

    dependencies = [
        ('contenttypes', '0002_remove_content_type_name'),
        ('mail', '0002_dashboard_indexes'),
    ]

    operations = [
        migrations.CreateModel(
            name='MailEvent',
            fields=[
                ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                ('email_hash', models.CharField(max_length=64, verbose_name='email hash')),
                ('type', models.CharField(choices=[('delivered', 'Delivered'), ('deferred', 'Delayed by the receiving server'), ('soft_bounce', 'Soft bounce (temporary)'), ('bounce', 'Hard bounce (permanent)'), ('rejected', 'Rejected by the email provider'), ('complained', 'Marked as spam'), ('unsubscribed', 'Unsubscribed at the provider'), ('failed', 'Failed at the provider'), ('other', 'Other event')], max_length=16, verbose_name='type')),
                ('occurred_at', models.DateTimeField(default=django.utils.timezone.now, verbose_name='occurred')),
                ('detail', models.CharField(blank=True, max_length=500, verbose_name='detail')),
            ],
            options={
                'verbose_name': 'email event',
                'verbose_name_plural': 'email events',
                'ordering': ['occurred_at', 'pk'],
            },
        ),
        migrations.AddField(
            model_name='processedwebhookevent',
            name='recipient_hash',
            field=models.CharField(blank=True, default='', max_length=64, verbose_name='recipient hash'),
        ),
        migrations.AlterField(
            model_name='processedwebhookevent',
            name='event_id',
            field=models.CharField(max_length=255, verbose_name='event id'),
        ),
        migrations.AlterField(
            model_name='suppression',
            name='reason',
            field=models.CharField(choices=[('opted_out', 'Opted out'), ('bounced', 'Bounced (address does not exist)'), ('soft_bounced', 'Bounced again and again (temporary errors)'), ('rejected', 'Rejected by the email provider'), ('complained', 'Complained'), ('erased', 'Erased')], max_length=16, verbose_name='reason'),
        ),
        migrations.AddIndex(
            model_name='outboxemail',
            index=models.Index(condition=models.Q(('status', 'sending')), fields=['claimed_at'], name='outbox_sending_idx'),
        ),
        migrations.AddIndex(
            model_name='outboxemail',
            index=models.Index(condition=models.Q(('provider_message_id', ''), _negated=True), fields=['provider_message_id'], name='outbox_message_id_idx'),
        ),
        migrations.AddConstraint(
            model_name='processedwebhookevent',
            constraint=models.UniqueConstraint(fields=('event_id', 'recipient_hash'), name='webhook_event_recipient_unique'),
        ),
        migrations.AddField(
            model_name='mailevent',
            name='outbox_email',
            field=models.ForeignKey(blank=True, null=True, on_delete=django.db.models.deletion.CASCADE, related_name='events', to='mail.outboxemail', verbose_name='outgoing email'),
        ),
        migrations.AddIndex(
            model_name='mailevent',
            index=models.Index(fields=['email_hash', 'type', 'occurred_at'], name='mail_event_address_idx'),
        ),
    ]
