from datetime import timedelta

from django.db import migrations, models
from django.utils import timezone


def give_existing_tokens_90_days(apps, schema_editor):
    # Tokens made before expiry existed end 90 days from now (the default
    # lifetime), not at once: a CI job using one gets a season to replace it.
    AccessToken = apps.get_model("api", "AccessToken")
    AccessToken.objects.filter(expires_at=None).update(expires_at=timezone.now() + timedelta(days=90))


class Migration(migrations.Migration):
    dependencies = [("api", "0001_initial")]

    operations = [
        migrations.AddField(model_name="accesstoken", name="expires_at", field=models.DateTimeField(null=True)),
        migrations.RunPython(give_existing_tokens_90_days, migrations.RunPython.noop),
        migrations.AlterField(model_name="accesstoken", name="expires_at", field=models.DateTimeField()),
    ]
