"""TOTP secrets are sealed at rest (congso/core/sealing.py); existing plaintext ones are sealed here."""

from django.db import migrations

import congso.core.sealing


def seal_existing(apps, schema_editor):
    User = apps.get_model("accounts", "User")
    for user in User.objects.exclude(totp_secret="").only("pk", "totp_secret"):
        # Read: a legacy plaintext value comes back as is; saved: the field seals it.
        user.save(update_fields=["totp_secret"])


def unseal_existing(apps, schema_editor):
    User = apps.get_model("accounts", "User")
    table = User._meta.db_table
    quote = schema_editor.quote_name
    with schema_editor.connection.cursor() as cursor:
        for user in User.objects.exclude(totp_secret="").only("pk", "totp_secret"):
            cursor.execute(
                f"UPDATE {quote(table)} SET {quote('totp_secret')} = %s WHERE {quote('id')} = %s",
                [user.totp_secret, user.pk],
            )


class Migration(migrations.Migration):
    dependencies = [
        ("accounts", "0002_user_totp_last_used_step"),
    ]

    operations = [
        migrations.AlterField(
            model_name="user",
            name="totp_secret",
            field=congso.core.sealing.SealedCharField(
                blank=True, max_length=255, verbose_name="khóa TOTP"
            ),
        ),
        migrations.RunPython(seal_existing, unseal_existing),
    ]
