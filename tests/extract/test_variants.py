"""The same report, saved or typed differently, gives the same figures."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

from selfeval.extract import extract_file
from selfeval.extract.normalize import fold_characters

pytestmark = pytest.mark.unit

FULL_WIDTH = str.maketrans({ch: chr(ord(ch) + 0xFEE0) for ch in "0123456789.%"})


def _without_printed(value: Any) -> Any:
    """The record less the evidence's words as submitted, which differ by construction."""
    if isinstance(value, dict):
        return {k: _without_printed(v) for k, v in value.items() if k != "printed"}
    if isinstance(value, list):
        return [_without_printed(v) for v in value]
    return value


def _figures(path: Path) -> dict[str, Any]:
    """The record less its source and the words as submitted; indicator names, which keep the
    characters the unit typed, compared in simplified characters."""
    d = extract_file(path).to_dict()
    d.pop("source")
    for indicator in d["indicators"]:
        indicator["name"] = fold_characters(indicator["name"])
    return _without_printed(d)  # type: ignore[no-any-return]


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


@pytest.mark.parametrize("seed", ["seed_000", "seed_001"])
def test_indicator_names_keep_the_characters_the_unit_typed(
    seed: str, request: pytest.FixtureRequest, tmp_path: Path
) -> None:
    from opencc import OpenCC

    original: Path = request.getfixturevalue(seed)
    path = tmp_path / "traditional.txt"
    path.write_text(OpenCC("s2t").convert(original.read_text("utf-8")), encoding="utf-8")
    simplified = [i.name for i in extract_file(original).indicators]
    traditional = [i.name for i in extract_file(path).indicators]
    assert simplified
    assert traditional == [OpenCC("s2t").convert(name) for name in simplified]


def test_encoding_is_detected_not_assumed(seed_001: Path, tmp_path: Path) -> None:
    gb = tmp_path / "gb.txt"
    gb.write_bytes(seed_001.read_text("utf-8").encode("gb18030"))
    bom = tmp_path / "bom.txt"
    bom.write_bytes(b"\xef\xbb\xbf" + seed_001.read_bytes())
    assert extract_file(gb).source.encoding == "gb18030"
    assert extract_file(bom).source.encoding == "utf-8-sig"
    assert extract_file(seed_001).source.encoding == "utf-8"


def test_evidence_quotes_each_variant_as_it_was_submitted(seed_001: Path, tmp_path: Path) -> None:
    text = seed_001.read_text("utf-8")
    wide = tmp_path / "wide.txt"
    wide.write_text(text.translate(FULL_WIDTH), encoding="utf-8")
    plain, variant = extract_file(seed_001), extract_file(wide)
    pairs = [
        (a.evidence, b.evidence)
        for a, b in zip(plain.section_scores, variant.section_scores, strict=True)
    ]
    assert pairs and all(a.text == b.text for a, b in pairs)
    for a, b in pairs:
        assert a.printed is not None and b.printed == a.printed.translate(FULL_WIDTH)
        assert b.printed in wide.read_text("utf-8").splitlines()[b.line - 1]
