from django.apps import AppConfig


class LicensesConfig(AppConfig):
    name = "yiwang.licenses"
    label = "licenses"
    verbose_name = "电子证照"

    def ready(self) -> None:
        # 免证办: a material the applicant's valid licence stands in for is provided by "licence"
        # (catalog's one provision rule asks; see catalog.selectors.material_provisions)
        from yiwang.catalog.selectors import Provision, register_provision_source
        from yiwang.licenses.selectors import offerable_for_materials

        register_provision_source(Provision.LICENCE, lambda _item, materials, applicant, _now: set(
            offerable_for_materials(applicant, materials)))
        from yiwang.core import warmup
        from yiwang.licenses.selectors import remember_current_seals

        warmup.register("licences: current seals", remember_current_seals)
