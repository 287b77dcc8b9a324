"""The policy-state token and the triggers that change it (see ``PolicyState``)."""

import uuid

from django.db import migrations, models

# (table, events): what the gateway decides on. Subscriptions: not the usage counters, which
# every lookup updates (the write re-checks status, expiry, quota and rate itself).
WATCHED = [
    ("exchange_dataresource", ["INSERT", "UPDATE", "DELETE"]),
    ("exchange_resourcefield", ["INSERT", "UPDATE", "DELETE"]),
    ("exchange_negativelistentry", ["INSERT", "UPDATE", "DELETE"]),
    ("exchange_subscription", ["INSERT", "DELETE",
                               "UPDATE OF resource_id, consumer_id, fields, clear_fields, purpose, status, expires_at"]),
    ("exchange_apicredential", ["INSERT", "UPDATE", "DELETE"]),
    ("exchange_apicredential_subscriptions", ["INSERT", "UPDATE", "DELETE"]),
    ("core_department", ["INSERT", "UPDATE", "DELETE"]),
]


def _name(table: str, event: str) -> str:
    return f"yw_policy_{table}_{event.split()[0].lower()}"


def create(apps, schema_editor):
    connection = schema_editor.connection
    PolicyState = apps.get_model("exchange", "PolicyState")
    PolicyState.objects.update_or_create(pk=1, defaults={"token": uuid.uuid4().hex})  # random: no two databases alike
    if connection.vendor == "postgresql":
        schema_editor.execute(
            "CREATE OR REPLACE FUNCTION yw_policy_changed() RETURNS trigger AS $$ BEGIN "
            "UPDATE exchange_policystate SET token = gen_random_uuid()::text WHERE id = 1; RETURN NULL; END; "
            "$$ LANGUAGE plpgsql")
        for table, events in WATCHED:
            for event in events:
                schema_editor.execute(f"CREATE TRIGGER {_name(table, event)} AFTER {event} ON {table} "
                                      "FOR EACH STATEMENT EXECUTE FUNCTION yw_policy_changed()")
    elif connection.vendor == "sqlite":
        for table, events in WATCHED:
            for event in events:
                schema_editor.execute(f"CREATE TRIGGER {_name(table, event)} AFTER {event} ON {table} BEGIN "
                                      "UPDATE exchange_policystate SET token = lower(hex(randomblob(16))) WHERE id = 1; END")
    else:  # pragma: no cover - the gateway then never trusts what it read before (see gateway.CACHE_POLICY)
        pass


def drop(apps, schema_editor):
    connection = schema_editor.connection
    for table, events in WATCHED:
        for event in events:
            if connection.vendor == "postgresql":
                schema_editor.execute(f"DROP TRIGGER IF EXISTS {_name(table, event)} ON {table}")
            elif connection.vendor == "sqlite":
                schema_editor.execute(f"DROP TRIGGER IF EXISTS {_name(table, event)}")
    if connection.vendor == "postgresql":
        schema_editor.execute("DROP FUNCTION IF EXISTS yw_policy_changed()")


class Migration(migrations.Migration):
    dependencies = [("exchange", "0002_dataset_push"), ("core", "0001_initial")]

    operations = [
        migrations.CreateModel(
            name="PolicyState",
            fields=[
                ("id", models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name="ID")),
                ("token", models.CharField(max_length=36)),
            ],
            options={"verbose_name": "共享策略状态", "verbose_name_plural": "共享策略状态"},
        ),
        migrations.RunPython(create, drop),
    ]
