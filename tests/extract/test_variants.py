"""The same report, saved or typed differently, gives the same figures."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

from selfeval.extract import extract_file

pytestmark = pytest.mark.unit

FULL_WIDTH = str.maketrans({ch: chr(ord(ch) + 0xFEE0) for ch in "0123456789.%"})


def _figures(path: Path) -> dict[str, Any]:
    d = extract_file(path).to_dict()
    d.pop("source")
    return d


def _variants(text: str) -> dict[str, bytes]:
    from opencc import OpenCC

    return {
        "gb18030": text.encode("gb18030"),
        "utf8_bom": b"\xef\xbb\xbf" + text.encode("utf-8"),
        "crlf": text.replace("\n", "\r\n").encode("utf-8"),
        "full_width_digits": text.translate(FULL_WIDTH).encode("utf-8"),
        "gb18030_crlf_full_width": text.translate(FULL_WIDTH)
        .replace("\n", "\r\n")
        .encode("gb18030"),
        "traditional": OpenCC("s2t").convert(text).encode("utf-8"),
    }


@pytest.mark.parametrize("seed", ["seed_000", "seed_001"])
@pytest.mark.parametrize(
    "variant",
    ["gb18030", "utf8_bom", "crlf", "full_width_digits", "gb18030_crlf_full_width", "traditional"],
)
def test_variant_gives_same_figures(
    seed: str, variant: str, request: pytest.FixtureRequest, tmp_path: Path
) -> None:
    original: Path = request.getfixturevalue(seed)
    path = tmp_path / f"{variant}.txt"
    path.write_bytes(_variants(original.read_text("utf-8"))[variant])
    assert _figures(path) == _figures(original)


def test_encoding_is_detected_not_assumed(seed_001: Path, tmp_path: Path) -> None:
    gb = tmp_path / "gb.txt"
    gb.write_bytes(seed_001.read_text("utf-8").encode("gb18030"))
    bom = tmp_path / "bom.txt"
    bom.write_bytes(b"\xef\xbb\xbf" + seed_001.read_bytes())
    assert extract_file(gb).source.encoding == "gb18030"
    assert extract_file(bom).source.encoding == "utf-8-sig"
    assert extract_file(seed_001).source.encoding == "utf-8"
