# The seizure and referral forms' one-time token, unique per case: a repeated submission is refused.

from django.db import migrations, models


class Migration(migrations.Migration):

    dependencies = [
        ('cases', '0006_list_order_indexes'),
    ]

    operations = [
        migrations.AddField(
            model_name='measure',
            name='idempotency_key',
            field=models.CharField(blank=True, max_length=64, null=True),
        ),
        migrations.AddField(
            model_name='referral',
            name='idempotency_key',
            field=models.CharField(blank=True, max_length=64, null=True),
        ),
        migrations.AddConstraint(
            model_name='measure',
            constraint=models.UniqueConstraint(fields=('case', 'idempotency_key'), name='measure_unique_key'),
        ),
        migrations.AddConstraint(
            model_name='referral',
            constraint=models.UniqueConstraint(fields=('case', 'idempotency_key'), name='referral_unique_key'),
        ),
    ]
