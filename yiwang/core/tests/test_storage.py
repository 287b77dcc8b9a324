"""The files an action stores are taken back when it fails (``core.storage.files_removed_on_error``):
every file saved through the default storage inside the block, whatever model it belongs to."""

from __future__ import annotations

import pytest
from django.core.files.base import ContentFile
from django.core.files.storage import default_storage

from yiwang.core.storage import files_removed_on_error


class Failed(Exception):
    pass


def test_a_failed_block_removes_what_it_stored_and_a_good_one_keeps_it(settings, tmp_path):
    settings.MEDIA_ROOT = str(tmp_path)
    kept_before = default_storage.save("before.pdf", ContentFile(b"%PDF- kept"))
    # when a block stores two files and then fails
    with pytest.raises(Failed), files_removed_on_error():
        first = default_storage.save("receipt.pdf", ContentFile(b"%PDF- receipt"))
        second = default_storage.save("licence.pdf", ContentFile(b"%PDF- licence"))
        raise Failed
    # then both are gone, and what was stored before the block is not touched
    assert not default_storage.exists(first) and not default_storage.exists(second)
    assert default_storage.exists(kept_before)
    # and a block that ends well keeps its file
    with files_removed_on_error():
        good = default_storage.save("letter.pdf", ContentFile(b"%PDF- letter"))
    assert default_storage.exists(good)


def test_an_inner_block_hands_its_files_to_the_outer_one(settings, tmp_path):
    settings.MEDIA_ROOT = str(tmp_path)
    # an inner block that succeeded inside an outer one that fails: its file goes with the outer
    with pytest.raises(Failed), files_removed_on_error():
        with files_removed_on_error():
            inner = default_storage.save("inner.pdf", ContentFile(b"%PDF- inner"))
        raise Failed
    assert not default_storage.exists(inner)
    # an inner block that failed and was caught: only its own file goes
    with files_removed_on_error():
        outer = default_storage.save("outer.pdf", ContentFile(b"%PDF- outer"))
        with pytest.raises(Failed), files_removed_on_error():
            failed = default_storage.save("failed.pdf", ContentFile(b"%PDF- failed"))
            raise Failed
    assert default_storage.exists(outer) and not default_storage.exists(failed)
