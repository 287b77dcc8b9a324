"""The ledger's tables: entries (leaves), cached perfect nodes, signed tree heads, state, reports.

Only ``services`` writes to these tables, and only by appending (``LedgerState`` is the one row
that changes: the lock and the counters). Nothing here holds personal data: an entry's payload is
references and salted commitments; the salt sits outside the leaf so that it can be erased.
"""

from __future__ import annotations

import datetime as dt
import functools
import json
import re
from typing import Any

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from yiwang.crypto.fields import EncryptedTextField

LEAF_VERSION = 1
NODE_LEVEL_SHIFT = 48  # LedgerNode.key = level << 48 | index: room for 2**48 leaves


_SIMPLE = re.compile(r"^[A-Za-z0-9 _.:/#@+=-]*$")


@functools.lru_cache(maxsize=64)
def utc_iso(value: dt.datetime) -> str:
    """The one timestamp spelling inside leaves: UTC, microseconds, ``Z`` (cached: a batch shares one)."""
    return value.astimezone(dt.UTC).strftime("%Y-%m-%dT%H:%M:%S.%fZ")


def _json_string(value: str) -> str:
    return f'"{value}"' if _SIMPLE.match(value) else json.dumps(value, ensure_ascii=False)


def canonical_json(value: Any) -> str:
    """Sorted keys, no spaces, UTF-8 as is: the same value always gives the same text."""
    return json.dumps(value, sort_keys=True, separators=(",", ":"), ensure_ascii=False, allow_nan=False)


def leaf_data(*, index: int, kind: str, reference: str, created_at: dt.datetime, payload: str) -> bytes:
    """The bytes under a leaf hash: canonical JSON of the entry, its position included.

    ``payload`` is already canonical JSON text and is embedded as is, so the result is canonical
    JSON of ``{"i", "k", "p", "r", "t", "v"}``; a payload rewritten in any other spelling changes it.
    """
    return (
        f'{{"i":{index},"k":{_json_string(kind)},"p":{payload},'
        f'"r":{_json_string(reference)},"t":"{utc_iso(created_at)}","v":{LEAF_VERSION}}}'
    ).encode()


class LedgerEntry(models.Model):
    """One leaf of the log. ``index`` is its position; rows are never updated or deleted."""

    index = models.BigIntegerField(_("序号"), primary_key=True)
    kind = models.CharField(_("类别"), max_length=32)
    reference = models.CharField(_("引用"), max_length=128, db_index=True)
    payload = models.TextField(_("内容（规范 JSON）"))
    leaf_hash = models.BinaryField(_("叶哈希"), max_length=32)
    created_at = models.DateTimeField(_("记入时间"))
    salt = models.CharField(
        _("承诺盐值"), max_length=32, blank=True, help_text=_("不在叶哈希内；擦除后承诺不再可与原记录对照。")
    )

    class Meta:
        verbose_name = _("账本条目")
        verbose_name_plural = _("账本条目")

    def __str__(self) -> str:
        return f"#{self.index} {self.reference}"

    def recomputed_leaf_data(self) -> bytes:
        return leaf_data(
            index=self.index, kind=self.kind, reference=self.reference, created_at=self.created_at, payload=self.payload
        )


class LedgerNode(models.Model):
    """A cached perfect subtree hash (level ≥ 1); level 0 is ``LedgerEntry.leaf_hash``.

    ``key = level << 48 | index`` covers leaves ``[index << level, (index + 1) << level)``. Written
    once, when its last leaf is appended; proofs read O(log n) of these by primary key.
    """

    key = models.BigIntegerField(primary_key=True)
    hash = models.BinaryField(max_length=32)

    class Meta:
        verbose_name = _("账本树节点")
        verbose_name_plural = _("账本树节点")

    @staticmethod
    def key_for(level: int, index: int) -> int:
        return level << NODE_LEVEL_SHIFT | index

    @staticmethod
    def split_key(key: int) -> tuple[int, int]:
        return key >> NODE_LEVEL_SHIFT, key & ((1 << NODE_LEVEL_SHIFT) - 1)


class TreeHead(models.Model):
    """A signed tree head: the root of the first ``tree_size`` entries at ``timestamp``, SM2-signed."""

    tree_size = models.BigIntegerField(_("树大小"), db_index=True)
    root_hash = models.BinaryField(_("根哈希"), max_length=32)
    timestamp = models.DateTimeField(_("时间戳"))
    signature = models.BinaryField(_("SM2 签名（DER）"))
    key_id = models.CharField(_("签名密钥"), max_length=40)
    algorithm = models.CharField(_("算法"), max_length=32, default="SM2-with-SM3")

    class Meta:
        ordering = ["-tree_size", "-id"]
        verbose_name = _("签名树头")
        verbose_name_plural = _("签名树头")

    def __str__(self) -> str:
        return f"{self.tree_size} {bytes(self.root_hash).hex()[:16]}"

    @property
    def timestamp_ms(self) -> int:
        return timestamp_ms(self.timestamp)


def timestamp_ms(value: dt.datetime) -> int:
    delta = value - dt.datetime(1970, 1, 1, tzinfo=dt.UTC)
    return (delta.days * 86_400 + delta.seconds) * 1000 + delta.microseconds // 1000


class LedgerState(models.Model):
    """The single row (pk 1) that serialises appends and remembers how far the audit stream was pulled."""

    tree_size = models.BigIntegerField(default=0)
    audit_high_water = models.BigIntegerField(default=0, help_text=_("已记入账本的最大审计记录 ID"))

    class Meta:
        verbose_name = _("账本状态")
        verbose_name_plural = _("账本状态")


class VerificationRun(models.Model):
    """The report of one full verification (``verify_ledger``)."""

    started_at = models.DateTimeField()
    finished_at = models.DateTimeField()
    ok = models.BooleanField()
    entries_checked = models.BigIntegerField(default=0)
    tree_heads_checked = models.IntegerField(default=0)
    problem_count = models.IntegerField(default=0)
    problems = models.JSONField(default=list, blank=True)
    actor = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL)

    class Meta:
        ordering = ["-started_at", "-id"]
        verbose_name = _("账本核验")
        verbose_name_plural = _("账本核验")


class Witness(models.Model):
    """A department's witness of the log (the consortium): its own SM2 key, and the last tree head
    it co-signed. It co-signs a newer head only when the log proves that head consistent with the
    last one it saw; shown a fork or a rewritten history, it refuses, raises an alert and halts
    (``yiwang.ledger.witness``)."""

    department = models.OneToOneField("core.Department", on_delete=models.PROTECT, related_name="ledger_witness",
                                      verbose_name=_("部门"))
    name = models.CharField(_("见证名称"), max_length=100, unique=True,
                            help_text=_("签名行中的名称（C2SP signed-note key name），如 yiwang.witness/SCJG"))
    private_key = EncryptedTextField(help_text="SM2 private key (PEM), sealed with SM4", context="ledger.Witness.private_key")
    public_key = models.TextField(_("公钥（PEM）"))
    key_hash = models.CharField(max_length=8, help_text="C2SP key hash (4 bytes, hex) of name and public key")
    last_size = models.BigIntegerField(default=0)
    last_root = models.BinaryField(max_length=32, default=b"")
    halted = models.BooleanField(_("已停签"), default=False, help_text=_("见到分叉或被改写的历史后不再签署，须人工处理"))
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("见证部门")
        verbose_name_plural = _("见证部门")

    def __str__(self) -> str:
        return self.name


class Cosignature(models.Model):
    """One witness's co-signature of one tree head (C2SP tlog-cosignature, with SM2/SM3)."""

    tree_head = models.ForeignKey(TreeHead, on_delete=models.PROTECT, related_name="cosignatures")
    witness = models.ForeignKey(Witness, on_delete=models.PROTECT, related_name="cosignatures")
    timestamp = models.BigIntegerField(help_text="seconds since the epoch, as in cosignature/v1")
    signature = models.BinaryField(help_text="SM2-with-SM3, DER")
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["tree_head", "witness"], name="ledger_cosignature_unique")]
        verbose_name = _("见证签名")
        verbose_name_plural = _("见证签名")


class WitnessAlert(models.Model):
    """What a witness refused to sign, and why (fork, rollback, inconsistent history, bad signature)."""

    witness = models.ForeignKey(Witness, on_delete=models.PROTECT, related_name="alerts")
    problem = models.CharField(max_length=40)
    message = models.TextField()
    details = models.JSONField(default=dict)
    at = models.DateTimeField()

    class Meta:
        ordering = ["-at", "-id"]
        verbose_name = _("见证告警")
        verbose_name_plural = _("见证告警")
