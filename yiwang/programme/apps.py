from django.apps import AppConfig


class ProgrammeConfig(AppConfig):
    name = "yiwang.programme"
    label = "programme"
