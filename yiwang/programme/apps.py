from django.apps import AppConfig


class ProgrammeConfig(AppConfig):
    name = "yiwang.programme"
    label = "programme"

    def ready(self) -> None:
        from yiwang.core.demo import register_demo_seeder
        from yiwang.programme.demo import seed_programme

        register_demo_seeder("programme", lambda: seed_programme(), order=30)
