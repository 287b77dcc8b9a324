from django.apps import AppConfig


class InsightsConfig(AppConfig):
    name = "yiwang.insights"
    label = "insights"

    def ready(self) -> None:
        from django.db.models.signals import post_delete, post_save

        from yiwang.appeals.models import Appeal
        from yiwang.cases.models import Case
        from yiwang.cases.signals import case_recorded
        from yiwang.core.demo import register_demo_seeder
        from yiwang.insights import receivers
        from yiwang.insights.demo import seed_insights

        case_recorded.connect(receivers.on_case_recorded, sender=Case, dispatch_uid="insights_case_recorded")
        post_delete.connect(receivers.on_case_deleted, sender=Case, dispatch_uid="insights_case_deleted")
        post_save.connect(receivers.on_appeal_saved, sender=Appeal, dispatch_uid="insights_appeal_saved")
        post_delete.connect(receivers.on_appeal_deleted, sender=Appeal, dispatch_uid="insights_appeal_deleted")
        register_demo_seeder("insights", seed_insights, order=20)
