"""``python manage.py ingest_dataset <resource code> <file> [--encoding gbk] [--format csv]``:
push a (large) dataset from the server's disk as the system, and print its quality summary."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError

from yiwang.core.errors import DomainError
from yiwang.exchange import services
from yiwang.exchange.models import DataResource, DatasetStatus


class Command(BaseCommand):
    help = "Validate and load a dataset file as the next version of a resource; print the quality summary."

    def add_arguments(self, parser: Any) -> None:
        parser.add_argument("resource")
        parser.add_argument("path")
        parser.add_argument("--encoding", default=None)
        parser.add_argument("--format", dest="file_format", default=None)

    def handle(self, *args: Any, **options: Any) -> None:
        resource = DataResource.objects.filter(code=options["resource"]).first()
        if resource is None:
            raise CommandError(f"数据资源 {options['resource']} 不存在。")
        path = Path(options["path"])
        try:
            with path.open("rb") as stream:
                result = services.ingest_dataset(actor=None, resource=resource, stream=stream, file_name=path.name,
                                                 file_format=options["file_format"], encoding=options["encoding"])
        except DomainError as exc:
            raise CommandError(f"{exc.code}: {exc.message}") from exc
        summary = {k: v for k, v in result.report.items() if k not in ("errors", "conflict_samples", "fields")}
        self.stdout.write(json.dumps({"dataset": result.dataset.pk, "version": result.dataset.version,
                                      "status": result.dataset.status, "seconds": result.dataset.seconds, **summary},
                                     ensure_ascii=False, indent=2))
        if result.dataset.status == DatasetStatus.REJECTED:
            raise CommandError("没有一行数据通过校验，数据集未入库。")
