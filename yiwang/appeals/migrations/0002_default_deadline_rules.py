"""The default deadline rules (an administrator changes them in the admin)."""

from django.db import migrations

RULES = [
    # code, name, priority, urgency, keywords, complex, amount, unit
    ("emergency", "紧急：危及生命财产安全", 10, "emergency", "", False, 2, "hours"),
    ("utilities", "水电气暖", 20, "", "停水,断水,水管,自来水,停电,断电,供电,燃气,煤气,天然气,供暖,暖气,供热",
     False, 24, "hours"),
    ("complex", "复杂诉求", 30, "", "", True, 15, "working_days"),
    ("general", "一般诉求", 90, "", "", False, 7, "working_days"),
]


def install(apps, schema_editor):
    DeadlineRule = apps.get_model("appeals", "DeadlineRule")
    for code, name, priority, urgency, keywords, complex_, amount, unit in RULES:
        DeadlineRule.objects.get_or_create(code=code, defaults={
            "name": name, "priority": priority, "match_urgency": urgency, "match_keywords": keywords,
            "match_complex": complex_, "amount": amount, "unit": unit})


class Migration(migrations.Migration):
    dependencies = [("appeals", "0001_appeals_and_reports")]
    operations = [migrations.RunPython(install, migrations.RunPython.noop)]
