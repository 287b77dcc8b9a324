"""Shared helpers of the exchange benchmarks: a fresh PostgreSQL database, deterministic 1M-row
files (valid citizen IDs and credit codes), production-style keys, percentiles."""

from __future__ import annotations

import datetime as dt
import os
import subprocess
import sys
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
VAR_BENCH = ROOT / "var" / "bench"
PG_ADMIN = os.environ.get("BENCH_PG_ADMIN_URL", "postgresql://postgres@127.0.0.1:5432/postgres")
PG_DB = os.environ.get("BENCH_EXCHANGE_DB", "yiwang_bench_exchange")
PG_URL = PG_ADMIN.rsplit("/", 1)[0] + "/" + PG_DB
# Keys as a deployment sets them (the demo key files would be read from disk on every call).
KEY_ENV = {"YIWANG_SM4_KEYS": "bench1:0123456789abcdeffedcba9876543210", "YIWANG_BLIND_INDEX_KEY": "5a" * 32}

SURNAMES = "王李张刘陈杨黄赵吴周徐孙马朱胡郭何高林罗郑梁谢宋唐许韩冯邓曹彭曾肖田董袁潘蒋蔡余杜叶程苏魏吕丁任沈姚卢"
GIVEN = "伟强军磊勇杰涛斌明超刚平辉鹏华飞鑫波宇浩凯健俊帆芳娟敏静丽艳娜秀英玲婷雪慧琳颖倩洁霞红梅兰燕萍琴云"
USCC_CHARS = "0123456789ABCDEFGHJKLMNPQRTUWXY"
PEOPLE_HEADER = "id_number,name,gender,birth_date,address,household_type"


def env(**extra: str) -> dict[str, str]:
    return {**os.environ, **KEY_ENV, "PYTHONPATH": str(ROOT), "DEBUG": "0", "DEMO_MODE": "1",
            "SECRET_KEY": "bench-secret-key-" + "x" * 40,
            **extra}


def fresh_database() -> None:
    import psycopg

    with psycopg.connect(PG_ADMIN, autocommit=True) as conn:
        conn.execute(f'DROP DATABASE IF EXISTS "{PG_DB}" WITH (FORCE)')
        conn.execute(f'CREATE DATABASE "{PG_DB}"')
    subprocess.run([sys.executable, "manage.py", "migrate", "-v", "0"], cwd=ROOT, env=env(DATABASE_URL=PG_URL), check=True)


def person_id(i: int) -> str:
    from yiwang.core.ids import citizen_id_check_digit

    birth = dt.date(1930, 1, 1) + dt.timedelta(days=i % 30000)
    first17 = f"330999{birth:%Y%m%d}{i // 30000:03d}"
    return first17 + citizen_id_check_digit(first17)


def org_code(body: str) -> str:
    """GB 11714 organisation code: eight characters and their MOD 11 check (as yiwang.core.demo builds it)."""
    values = [int(c) if c.isdigit() else ord(c) - ord("A") + 10 for c in body]
    check = 11 - sum(v * w for v, w in zip(values, (3, 7, 9, 10, 5, 8, 4, 2), strict=True)) % 11
    return body + {10: "X", 11: "0"}.get(check, str(check))


def org_id(i: int) -> str:
    from yiwang.core.ids import uscc_check_char

    body, n = "", i
    for _ in range(6):
        body, n = USCC_CHARS[n % 31] + body, n // 31
    first17 = "91330999" + org_code("MA" + body)
    return first17 + uscc_check_char(first17)


def people_file(n: int) -> Path:
    path = VAR_BENCH / f"exchange-people-{n}.csv"
    if path.exists():
        return path
    VAR_BENCH.mkdir(parents=True, exist_ok=True)
    tmp = path.with_suffix(".tmp")
    with tmp.open("w", encoding="utf-8") as out:
        out.write(PEOPLE_HEADER + "\n")
        for i in range(n):
            number = person_id(i)
            name = SURNAMES[i % len(SURNAMES)] + GIVEN[(i // len(SURNAMES)) % len(GIVEN)] + GIVEN[(i // 7) % len(GIVEN)]
            out.write(f"{number},{name},{'女' if int(number[16]) % 2 == 0 else '男'},{number[6:10]}-{number[10:12]}-"
                      f"{number[12:14]},某县城关镇人民路{i % 300 + 1}号{i % 40 + 1}幢,{'居民家庭户口' if i % 3 else '农业家庭户口'}\n")
    tmp.rename(path)
    return path


def orgs_file(n: int) -> Path:
    path = VAR_BENCH / f"exchange-orgs-{n}.csv"
    if path.exists():
        return path
    VAR_BENCH.mkdir(parents=True, exist_ok=True)
    tmp = path.with_suffix(".tmp")
    with tmp.open("w", encoding="utf-8") as out:
        out.write("uscc,name,established_on,status,registered_capital\n")
        for i in range(n):
            out.write(f"{org_id(i)},某县企业{i}有限公司,{dt.date(2000, 1, 1) + dt.timedelta(days=i % 9000)},存续,{i % 1000 + 10}\n")
    tmp.rename(path)
    return path


PEOPLE_FIELDS: list[dict[str, Any]] = [
    {"name": "id_number", "label": "公民身份号码", "standard": "GB 11643", "required": True, "sensitivity": "sensitive",
     "mask_rule": "id_number"},
    {"name": "name", "label": "姓名", "required": True, "sensitivity": "personal", "mask_rule": "name"},
    {"name": "gender", "label": "性别", "standard": "GB/T 2261.1", "sensitivity": "personal"},
    {"name": "birth_date", "label": "出生日期", "field_type": "date", "required": True, "sensitivity": "personal"},
    {"name": "address", "label": "户籍地址", "sensitivity": "personal", "mask_rule": "address"},
    {"name": "household_type", "label": "户口性质", "field_type": "enum",
     "allowed_values": ["农业家庭户口", "非农业家庭户口", "居民家庭户口"], "sensitivity": "personal"},
]
ORG_FIELDS: list[dict[str, Any]] = [
    {"name": "uscc", "label": "统一社会信用代码", "standard": "GB 32100", "required": True, "sensitivity": "public"},
    {"name": "name", "label": "企业名称", "required": True, "sensitivity": "public"},
    {"name": "established_on", "label": "成立日期", "field_type": "date", "sensitivity": "public"},
    {"name": "status", "label": "登记状态", "field_type": "enum", "allowed_values": ["存续", "注销"], "sensitivity": "public"},
    {"name": "registered_capital", "label": "注册资本", "field_type": "decimal", "sensitivity": "public"},
]


def pct(values: list[float], p: float) -> float:
    s = sorted(values)
    return s[min(len(s) - 1, max(0, round(p / 100 * (len(s) - 1))))] if s else float("nan")
