"""The JSON encoder of ingested rows: the private C encoder built once (``exchange.rows._dumps``)
beside the public encoder and ``json.dumps``, on a typical row of the population resource.

    .venv/bin/python bench/row_encoder.py
"""

from __future__ import annotations

import json
import os
import sys
import timeit
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "yiwang.settings")
os.environ.setdefault("DEMO_MODE", "1")

import django  # noqa: E402

django.setup()

from yiwang.exchange.rows import _dumps  # noqa: E402

ROW = {"name": "张三", "gender": "男", "birth_date": "1990-03-07", "address": "某县城关镇人民路1号", "nation": "汉族",
       "household": "城镇", "phone": "13800138000", "status": "正常"}
N = 200_000


def main() -> None:
    public = json.JSONEncoder(ensure_ascii=False, separators=(",", ":")).encode
    assert _dumps(ROW) == public(ROW)  # noqa: S101
    runs = {
        "exchange.rows._dumps (C encoder built once)": lambda: _dumps(ROW),
        "json.JSONEncoder(...).encode, built once (public)": lambda: public(ROW),
        "json.dumps(..., ensure_ascii=False, separators=...)": lambda: json.dumps(ROW, ensure_ascii=False,
                                                                                 separators=(",", ":")),
    }
    print(f"| encoder | µs per row (best of 5 × {N:,}) |\n| --- | --- |")
    for name, call in runs.items():
        best = min(timeit.repeat(call, number=N, repeat=5))
        print(f"| {name} | {best / N * 1e6:.2f} |")


if __name__ == "__main__":
    main()
