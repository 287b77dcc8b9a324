from django.apps import AppConfig


class CatalogConfig(AppConfig):
    name = "yiwang.catalog"
    label = "catalog"

    def ready(self) -> None:
        from yiwang.catalog.selectors import restore_starting_specs
        from yiwang.core import warmup

        warmup.register("catalog: the processes' specs", restore_starting_specs)
