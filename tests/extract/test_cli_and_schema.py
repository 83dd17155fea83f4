"""`selfeval extract`: the JSON contract validates against the schema; bad input exits 2."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import jsonschema
import pytest

from selfeval import jsonio
from selfeval.extract import extract_file
from selfeval.names import printable

pytestmark = pytest.mark.unit

ROOT = Path(__file__).resolve().parents[2]
SCHEMA = json.loads((ROOT / "include/selfeval/schema/record.schema.json").read_text("utf-8"))
REPORTS = sorted((ROOT / "tests/fixtures/seeds").glob("*.txt")) + sorted(
    (ROOT / "tests/fixtures/phrasings").glob("*")
)


def _cli(*args: str, cwd: Path) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "selfeval.cli", *args],
        cwd=cwd,
        capture_output=True,
        text=True,
        timeout=60,
        env={**os.environ, "PYTHONPATH": str(ROOT / "include")},
    )


@pytest.mark.parametrize("path", REPORTS, ids=lambda p: p.name)
def test_every_record_validates_against_the_schema(path: Path) -> None:
    data = json.loads(jsonio.dumps(extract_file(path).to_dict()))
    jsonschema.Draft202012Validator(SCHEMA).validate(data)


def test_json_round_trips_exactly(seed_000: Path) -> None:
    from selfeval.record import record_from_dict

    record = extract_file(seed_000)
    text = jsonio.dumps(record.to_dict())
    assert record_from_dict(jsonio.loads(text)) == record
    assert '"share_pct": 0.06' in text  # printed precision kept, not 0.06000000001 or 6E-2


def test_cli_json_output(seed_001: Path, tmp_path: Path) -> None:
    result = _cli("extract", str(seed_001), "--format", "json", cwd=tmp_path)
    assert result.returncode == 0, result.stderr
    data = json.loads(result.stdout)
    jsonschema.Draft202012Validator(SCHEMA).validate(data)
    assert data["total_score"]["score"] == 97.38


def test_cli_several_paths_one_array_and_every_file_tried(
    seed_000: Path, seed_001: Path, tmp_path: Path
) -> None:
    missing = tmp_path / "missing.txt"
    result = _cli(
        "extract", str(seed_000), str(missing), str(seed_001), "--format", "json", cwd=tmp_path
    )
    assert result.returncode == 2
    data = json.loads(result.stdout)
    assert [d.get("error") or d["total_score"]["score"] for d in data] == [
        97,
        "no such file",
        97.38,
    ]
    assert data[1]["path"] == str(missing)
    for record in (data[0], data[2]):
        jsonschema.Draft202012Validator(SCHEMA).validate(record)
    assert result.stderr.strip() == f"selfeval: {missing}: no such file"


def test_cli_table_output(seed_000: Path, tmp_path: Path) -> None:
    result = _cli("extract", str(seed_000), cwd=tmp_path)
    assert result.returncode == 0, result.stderr
    assert "钟村街道办事处" in result.stdout and "27888.37万元" in result.stdout


def _bad_inputs(tmp_path: Path) -> dict[str, tuple[Path, str]]:
    binary = tmp_path / "scan.txt"
    binary.write_bytes(bytes(range(256)) * 8)
    empty = tmp_path / "empty.txt"
    empty.write_bytes(b"")
    blank = tmp_path / "blank.txt"
    blank.write_text("\n \n\t\n", encoding="utf-8")
    latin = tmp_path / "latin.txt"
    latin.write_bytes("Café crème, déjà vu, naïve façade. ".encode("latin-1") * 20)
    pdf = tmp_path / "report.txt"
    pdf.write_bytes(b"%PDF-1.7\n%\xe2\xe3\xcf\xd3\n1 0 obj\n")
    folder = tmp_path / "a folder.txt"
    folder.mkdir()
    hostile = tmp_path / "evil\u202e$(rm -rf ~).txt"
    hostile.write_bytes(b"\x00\x01\x02")
    fifo = tmp_path / "pipe.txt"
    os.mkfifo(fifo)
    huge = tmp_path / "huge.txt"
    huge.write_bytes("预算".encode() * 1_000_000)
    return {
        "fifo": (fifo, "is not a regular file"),
        "huge": (huge, "too large for a report"),
        "missing": (tmp_path / "nope.txt", "no such file"),
        "directory": (folder, "is a directory"),
        "binary": (binary, "is binary"),
        "empty": (empty, "is empty"),
        "blank": (blank, "only white space"),
        "undecodable": (latin, "cannot be decoded"),
        "pdf": (pdf, "is a PDF"),
        "hostile name": (hostile, "is binary"),
    }


@pytest.mark.parametrize(
    "case",
    [
        "missing",
        "directory",
        "binary",
        "empty",
        "blank",
        "undecodable",
        "pdf",
        "hostile name",
        "fifo",
        "huge",
    ],
)
def test_unreadable_input_exits_2_with_one_line_and_writes_nothing(
    case: str, tmp_path: Path
) -> None:
    inputs = tmp_path / "inputs"
    inputs.mkdir()
    path, reason = _bad_inputs(inputs)[case]
    work = tmp_path / "cwd"
    work.mkdir()
    before = sorted(p.name for p in inputs.iterdir())
    result = _cli("extract", str(path), "--format", "json", cwd=work)
    assert result.returncode == 2
    assert result.stdout == ""
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 1
    assert printable(str(path)) in lines[0] and reason in lines[0]
    assert "\u202e" not in result.stderr
    assert list(work.iterdir()) == []
    assert sorted(p.name for p in inputs.iterdir()) == before  # the original is kept


def test_names_that_are_not_utf8_print_as_bytes(seed_000: Path, tmp_path: Path) -> None:
    good = tmp_path / os.fsdecode(b"w\xffname.txt")
    good.write_bytes(seed_000.read_bytes())
    bad = tmp_path / os.fsdecode(b"b\xfe.txt")
    bad.write_bytes(b"")
    env_strict = {**os.environ, "PYTHONIOENCODING": "utf-8:strict"}
    result = subprocess.run(
        [sys.executable, "-m", "selfeval.cli", "check", str(good), str(bad), "--format", "json"],
        capture_output=True,
        timeout=120,
        env={**env_strict, "PYTHONPATH": str(ROOT / "include")},
    )
    assert result.returncode == 2, result.stderr
    paths = [r["path"] for r in json.loads(result.stdout)]
    assert paths == [str(tmp_path) + "/w\\xffname.txt", str(tmp_path) + "/b\\xfe.txt"]
    extract = _cli("extract", str(bad), cwd=tmp_path)
    assert extract.returncode == 2
    assert extract.stderr.strip() == f"selfeval: {tmp_path}/b\\xfe.txt: is empty (0 bytes)"
