from __future__ import annotations

import hashlib
from pathlib import Path

import pytest

from lineage import checksum as checksum_module
from lineage.checksum import checksum


def test_file_digest_is_sha256_of_its_bytes_read_in_chunks(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(checksum_module, "CHUNK_SIZE", 7)  # many chunks, so streaming is exercised
    data = bytes(range(256)) * 41
    (tmp_path / "f.bin").write_bytes(data)
    assert checksum(tmp_path / "f.bin") == f"sha256:{hashlib.sha256(data).hexdigest()}"


def test_directory_digest_depends_on_names_and_contents_only(tmp_path: Path) -> None:
    one, two = tmp_path / "one", tmp_path / "two"
    for root in (one, two):
        (root / "sub").mkdir(parents=True)
        (root / "a.csv").write_text("x,y\n1,2\n")
        (root / "sub" / "b.csv").write_text("z\n")
    assert checksum(one) == checksum(two)
    assert checksum(one).endswith(".dir")
    (two / "sub" / "b.csv").rename(two / "sub" / "c.csv")
    assert checksum(one) != checksum(two)


def test_missing_path_is_a_clear_error(tmp_path: Path) -> None:
    with pytest.raises(FileNotFoundError, match="no file or directory"):
        checksum(tmp_path / "nope")
