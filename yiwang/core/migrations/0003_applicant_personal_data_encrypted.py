"""Encrypt applicants' ID numbers, phones and addresses with SM4-GCM and find them by blind index."""

from django.db import migrations, models

import yiwang.crypto.fields


def encrypt_existing(apps, schema_editor):
    from yiwang.core.models import applicant_id_index
    from yiwang.crypto.fields import encrypt_field, is_token

    connection = schema_editor.connection
    with connection.cursor() as cursor:
        cursor.execute("SELECT id, kind, id_number, phone, address FROM core_applicant")
        rows = cursor.fetchall()
        for pk, kind, id_number, phone, address in rows:
            plain_id = id_number
            if is_token(id_number):
                continue  # already encrypted (a re-run)
            cursor.execute(
                "UPDATE core_applicant SET id_number = %s, phone = %s, address = %s, id_index = %s WHERE id = %s",
                [
                    encrypt_field(plain_id, context="core.Applicant.id_number"),
                    encrypt_field(phone or "", context="core.Applicant.phone") if phone else "",
                    encrypt_field(address or "", context="core.Applicant.address") if address else "",
                    applicant_id_index(kind, plain_id),
                    pk,
                ],
            )


class Migration(migrations.Migration):
    dependencies = [("core", "0002_alter_auditevent_created_at")]

    operations = [
        migrations.RemoveConstraint(model_name="applicant", name="applicant_unique_id"),
        migrations.AddField(
            model_name="applicant", name="id_index", field=models.CharField(default="", editable=False, max_length=64),
            preserve_default=False,
        ),
        migrations.AlterField(
            model_name="applicant", name="id_number",
            field=yiwang.crypto.fields.EncryptedTextField(context="core.Applicant.id_number", verbose_name="证件号码"),
        ),
        migrations.AlterField(
            model_name="applicant", name="phone",
            field=yiwang.crypto.fields.EncryptedTextField(blank=True, context="core.Applicant.phone", verbose_name="联系电话"),
        ),
        migrations.AlterField(
            model_name="applicant", name="address",
            field=yiwang.crypto.fields.EncryptedTextField(blank=True, context="core.Applicant.address", verbose_name="地址"),
        ),
        migrations.RunPython(encrypt_existing, migrations.RunPython.noop),
        migrations.AddConstraint(
            model_name="applicant",
            constraint=models.UniqueConstraint(fields=("kind", "id_index"), name="applicant_unique_id_index"),
        ),
    ]
