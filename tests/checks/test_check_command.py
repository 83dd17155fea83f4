"""`selfeval check PATH... [--format json|table]`: output contract and exit codes."""

from __future__ import annotations

import hashlib
import json
import subprocess
import sys
from pathlib import Path

import pytest
from check_support import FIX_000, FIX_001, SEED_000, SEED_001, edited

from selfeval.cli import main

pytestmark = pytest.mark.unit


# The seeds' findings as the checks word them, quoting each report as submitted.
MESSAGE_000 = (
    "第118行“2024年年初结转和结 余25.04万元,2023年年末结转结余5.76万元,全部是非 财政结转结余。”中，"
    "2024年年初结转和结余为25.04万元，但2023年年末结转和结余为5.76万元，两者应当相等，"
    "相差19.28万元。请核对本年年初结转和结余或上年年末结转和结余。"
)
MESSAGE_001 = (
    "第86行“（二）管理效率分析（总分为 50 分，自评分为 46.5 分）”写明管理效能自评分为46.5分，"
    "但评分表中管理效能各项得分合计为47.5分（3+3.5+4+14+10+9+4）。请核对标题或评分表，"
    "使两者一致。"
)


def run_json(capsys: pytest.CaptureFixture[str], *argv: str) -> tuple[int, list[dict[str, object]]]:
    code = main(["check", "--format", "json", *argv])
    return code, json.loads(capsys.readouterr().out)


def test_json_has_one_object_per_input_and_exit_1_on_errors(
    capsys: pytest.CaptureFixture[str],
) -> None:
    code, out = run_json(capsys, str(SEED_000), str(SEED_001))
    assert code == 1
    assert [(o["path"], o["sha256"]) for o in out] == [
        (str(p), hashlib.sha256(p.read_bytes()).hexdigest()) for p in (SEED_000, SEED_001)
    ]
    assert [
        [
            (f["check"], f["severity"], f["subject"], f["observed"], f["expected"])
            for f in o["findings"]
        ]  # type: ignore[attr-defined]
        for o in out
    ] == [
        [("carryover.continuity", "error", "2024年年初结转和结余", 25.04, 5.76)],
        [("section_score.matches_table", "error", "管理效能", 46.5, 47.5)],
    ]
    first = out[1]["findings"][0]  # type: ignore[index]
    assert set(first) == {
        "check", "severity", "subject", "observed", "expected", "tolerance",
        "message_zh", "message_en", "evidence",
    }  # fmt: skip
    assert first["evidence"] == {
        "line": 86,
        "text": "(二)管理效率分析(总分为50分，自评分为46.5分)",
        "printed": "（二）管理效率分析（总分为 50 分，自评分为 46.5 分）",
        "place": "第86行",
    }


def test_exit_0_without_error_findings_and_a_readable_table(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    a = edited(SEED_000, tmp_path, FIX_000, name="a.txt")
    b = edited(SEED_001, tmp_path, FIX_001, name="b.txt")
    assert main(["check", str(a), str(b)]) == 0
    assert capsys.readouterr().out == (
        "a.txt：错误 0 条，提示 0 条\n\n"
        "b.txt：错误 0 条，提示 0 条\n\n"
        "共 2 份报告：可读 2 份，拒收 0 份；错误 0 条，提示 0 条\n"
    )
    assert main(["check", str(SEED_001)]) == 1
    assert capsys.readouterr().out == (
        f"{SEED_001.name}：错误 1 条，提示 0 条\n"
        "  [错误] 第86行  管理效能  (section_score.matches_table)\n"
        f"      {MESSAGE_001}\n\n"
        "共 1 份报告：可读 1 份，拒收 0 份；错误 1 条，提示 0 条\n"
    )


def test_exit_2_when_an_input_is_unreadable(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    empty = tmp_path / "empty.txt"
    empty.write_bytes(b"")
    missing = tmp_path / "missing.txt"
    code, out = run_json(capsys, str(empty), str(SEED_001), str(missing))
    assert code == 2
    assert [sorted(o) for o in out] == [
        ["error", "path"],
        ["findings", "path", "sha256"],
        ["error", "path"],
    ]
    assert out[0]["path"] == str(empty) and out[2]["path"] == str(missing)
    assert all(isinstance(out[i]["error"], str) and out[i]["error"] for i in (0, 2))


def test_a_broken_suite_folder_exits_2_naming_the_file(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    suites = tmp_path / "suites"
    suites.mkdir()
    (suites / "scores.json").write_text("[]", encoding="utf-8")
    assert main(["check", "--suites", str(suites), str(SEED_001)]) == 2
    err = capsys.readouterr().err
    assert f"{suites / 'scores.json'}: a suite is a JSON object" in err


def test_the_console_entry_point_runs_in_a_fresh_process() -> None:
    done = subprocess.run(
        [sys.executable, "-m", "selfeval.cli", "check", "--format", "json", str(SEED_000)],
        capture_output=True,
        text=True,
        check=False,
    )
    assert done.returncode == 1, done.stderr
    assert json.loads(done.stdout)[0]["findings"][0]["check"] == "carryover.continuity"
    assert "Calculating Metrics" not in done.stderr  # GX progress bars are off


def _folder(tmp_path: Path) -> Path:
    """Two units' reports in sub-folders, a binary file, and names the inbox scan skips."""
    folder = tmp_path / "收件"
    (folder / "番禺区").mkdir(parents=True)
    (folder / "荔湾区").mkdir()
    (folder / ".git").mkdir()
    (folder / "番禺区" / "钟村.txt").write_bytes(SEED_000.read_bytes())
    (folder / "荔湾区" / "白鹤洞.txt").write_bytes(SEED_001.read_bytes())
    (folder / "荔湾区" / "扫描.bin").write_bytes(b"\x00\x01\x02" * 50)
    (folder / ".git" / "config").write_text("[core]", encoding="utf-8")
    (folder / "~$钟村.docx").write_bytes(b"lock")
    return folder


def test_a_folder_is_checked_file_by_file_with_progress_and_a_summary(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    folder = _folder(tmp_path)
    assert main(["check", str(folder)]) == 2  # a refused file wins over error findings
    out, err = capsys.readouterr()
    assert out == (
        "番禺区/钟村.txt：错误 1 条，提示 0 条\n"
        "  [错误] 第118行  2024年年初结转和结余  (carryover.continuity)\n"
        f"      {MESSAGE_000}\n\n"
        "荔湾区/扫描.bin：拒收\n"
        "  这不是一份可以读取的报告（不是文字、Word、PDF 或 Excel 文件的内容）。"
        "请上传Word（.docx）、PDF、Excel（.xlsx/.xls）、WPS 或文本（.txt）格式的报告。\n"
        "  reason: is binary (contains NUL bytes), not a text report\n\n"
        "荔湾区/白鹤洞.txt：错误 1 条，提示 0 条\n"
        "  [错误] 第86行  管理效能  (section_score.matches_table)\n"
        f"      {MESSAGE_001}\n\n"
        "共 3 份报告：可读 2 份，拒收 1 份；错误 2 条，提示 0 条\n"
    )
    assert err == (
        "读取 1/3：番禺区/钟村.txt\n"
        "读取 2/3：荔湾区/扫描.bin\n"
        "读取 3/3：荔湾区/白鹤洞.txt\n"
        "检查 2 份报告…\n"
    )
    assert (
        main(["check", "--quiet", str(folder / "番禺区"), str(folder / "荔湾区" / "白鹤洞.txt")])
        == 1
    )
    out, err = capsys.readouterr()
    assert out.endswith("共 2 份报告：可读 2 份，拒收 0 份；错误 2 条，提示 0 条\n") and err == ""


def test_a_folder_in_json_keeps_the_contract_with_full_paths(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    folder = _folder(tmp_path)
    code = main(["check", "--format", "json", "-q", str(folder)])
    out, err = capsys.readouterr()
    assert code == 2
    assert [(sorted(o), o["path"]) for o in json.loads(out)] == [
        (["findings", "path", "sha256"], str(folder / "番禺区" / "钟村.txt")),
        (["error", "path"], str(folder / "荔湾区" / "扫描.bin")),
        (["findings", "path", "sha256"], str(folder / "荔湾区" / "白鹤洞.txt")),
    ]
    assert err == "共 3 份报告：可读 2 份，拒收 1 份；错误 2 条，提示 0 条\n"  # people read stderr


def test_a_glob_the_shell_left_alone_and_one_that_matches_nothing(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    folder = _folder(tmp_path)
    assert main(["check", "-q", str(folder / "**" / "*.txt")]) == 1
    out = capsys.readouterr().out
    assert [line for line in out.splitlines() if "：" in line and not line.startswith(" ")] == [
        "钟村.txt：错误 1 条，提示 0 条",
        "白鹤洞.txt：错误 1 条，提示 0 条",
        "共 2 份报告：可读 2 份，拒收 0 份；错误 2 条，提示 0 条",
    ]
    missing = str(tmp_path / "nowhere" / "*.docx")
    empty = tmp_path / "空文件夹"
    empty.mkdir()
    assert main(["check", missing, str(empty)]) == 2
    assert capsys.readouterr().out == (
        f"{missing}：拒收\n"
        "  没有文件符合这个路径模式。\n"
        "  reason: no file matches this pattern\n\n"
        f"{empty}：拒收\n"
        "  这个文件夹里没有报告文件。\n"
        "  reason: is a folder without report files\n\n"
        "共 2 份报告：可读 0 份，拒收 2 份；错误 0 条，提示 0 条\n"
    )


def test_progress_on_a_terminal_is_a_bar_that_goes_away() -> None:
    import io

    from selfeval.commands.progress import progress

    class Terminal(io.StringIO):
        def isatty(self) -> bool:
            return True

    screen = Terminal()
    with progress(3, stream=screen) as shown:
        for name in ("a.txt", "b.txt", "c.txt"):
            shown.step(name)
        shown.phase("检查 3 份报告…")
    assert "\x1b[" in screen.getvalue()  # drawn with cursor movements, not lines
    assert "读取 1/3" not in screen.getvalue()
    quiet = io.StringIO()
    with progress(1, stream=quiet) as shown:
        shown.step("a.txt")
    assert quiet.getvalue() == ""  # one report: nothing to follow
