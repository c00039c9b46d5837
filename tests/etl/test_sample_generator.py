"""Tests for the seeded sample-export generator (etl.sample)."""

from __future__ import annotations

import csv
import hashlib
import io
import json
import re
import unicodedata
from collections import Counter
from pathlib import Path
from typing import Any

import openpyxl
import pytest
import yaml

from etl.sample import SampleFile, generate_sample_exports
from etl.sample.generate import DEFAULT_SEED, PLANTED_COPY, main

EXPORTS = ("wjx_aigala_2024_text.xlsx", "tencent_aigala_2025.csv", "roster_aigala.csv")
QUESTIONNAIRE = (
    Path(__file__).resolve().parents[2] / "survey/questionnaires/aigala-participant.yaml"
)
QIDS = [q["id"] for q in yaml.safe_load(QUESTIONNAIRE.read_text(encoding="utf-8"))["questions"]]
BANDS = {
    "under_18": (0, 17),
    "18_24": (18, 24),
    "25_29": (25, 29),
    "30_34": (30, 34),
    "35_39": (35, 39),
    "40_44": (40, 44),
    "45_49": (45, 49),
    "50_plus": (50, 200),
}


@pytest.fixture(scope="module")
def sample(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, list[SampleFile]]:
    """Generate the default-seed sample once for the module."""
    out = tmp_path_factory.mktemp("sample")
    return out, generate_sample_exports(out)


@pytest.fixture(scope="module")
def planted(sample: tuple[Path, list[SampleFile]]) -> dict[Any, Any]:
    """Load the planted.yaml written next to the exports."""
    return yaml.safe_load((sample[0] / "planted.yaml").read_text(encoding="utf-8"))


@pytest.fixture(scope="module")
def truth(sample: tuple[Path, list[SampleFile]]) -> dict[str, Any]:
    """Load the test-only truth.json."""
    return json.loads((sample[0] / "truth.json").read_text(encoding="utf-8"))


def _sha(path: Path) -> str:
    """Return the SHA-256 of a file."""
    return hashlib.sha256(path.read_bytes()).hexdigest()


def _wjx_rows(out: Path) -> tuple[list[str], list[list[Any]]]:
    """Return header and data rows of the 问卷星 export."""
    wb = openpyxl.load_workbook(out / EXPORTS[0])
    rows = [list(r) for r in wb["Sheet1"].iter_rows(values_only=True)]
    return rows[0], rows[1:]


def _tencent_rows(out: Path) -> tuple[list[str], list[list[str]]]:
    """Return header and data rows of the 腾讯问卷 export."""
    text = (out / EXPORTS[1]).read_bytes().decode("gb18030")
    rows = list(csv.reader(io.StringIO(text, newline="")))
    return rows[0], rows[1:]


def _contact_key(raw: Any) -> str | None:
    """Normalise a written contact: phone digits without +86, others lower-cased."""
    text = unicodedata.normalize("NFKC", str(raw or "")).strip()
    if text in ("", "(空)"):
        return None
    if re.fullmatch(r"[+\d\s\-()]+", text):
        digits = re.sub(r"\D", "", text)
        return digits[2:] if len(digits) == 13 and digits.startswith("86") else digits
    return text.lower()


def _count_mess(
    header: list[str],
    rows: list[list[Any]],
    ip_cols: list[int],
    contact_prefix: str,
    invalid_ids: set[int],
) -> dict[str, Any]:
    """Independently count duplicates, repeats and valid rows of one export."""
    qstart = 6
    contact_col = next(i for i, h in enumerate(header) if h.startswith(contact_prefix))
    seen: dict[tuple[Any, ...], int] = {}
    dups: list[tuple[int, int]] = []
    by_contact: dict[str, list[int]] = {}
    for row in rows:
        key = tuple(row[qstart:]) + tuple(row[i] for i in ip_cols)
        if key in seen:
            dups.append((int(row[0]), seen[key]))
            continue
        seen[key] = int(row[0])
        if int(row[0]) in invalid_ids:
            continue
        contact = _contact_key(row[contact_col])
        if contact:
            by_contact.setdefault(contact, []).append(int(row[0]))
    groups = [ids for ids in by_contact.values() if len(ids) > 1]
    superseded = sum(len(ids) - 1 for ids in groups)
    latest = {c: max(ids) for c, ids in by_contact.items()}
    return {
        "rows": len(rows),
        "dups": dups,
        "repeat_people": len(groups),
        "superseded": superseded,
        "valid": len(rows) - len(dups) - superseded - len(invalid_ids),
        "latest_by_contact": latest,
    }


# --- determinism ------------------------------------------------------------------------------


def test_same_seed_gives_byte_identical_files(
    sample: tuple[Path, list[SampleFile]], tmp_path: Path
) -> None:
    """Two runs with the same seed write the same bytes; another seed writes other bytes."""
    out, files = sample
    again = generate_sample_exports(tmp_path / "again", seed=DEFAULT_SEED)
    other = generate_sample_exports(tmp_path / "other", seed=DEFAULT_SEED + 1)
    assert [f.path.name for f in files[:3]] == list(EXPORTS)
    assert [(f.source, f.edition_year) for f in files[:3]] == [
        ("wjx", 2024),
        ("tencent", 2025),
        ("roster", 2025),
    ]
    for name in (*EXPORTS, "planted.yaml", "truth.json"):
        assert _sha(out / name) == _sha(tmp_path / "again" / name), name
    for f, g in zip(again[:3], other[:3], strict=True):
        assert _sha(f.path) != _sha(g.path), f.path.name


def test_committed_planted_matches_default_seed(sample: tuple[Path, list[SampleFile]]) -> None:
    """The committed etl/sample/planted.yaml is what the default seed produces."""
    assert PLANTED_COPY.read_bytes() == (sample[0] / "planted.yaml").read_bytes()


# --- file formats -----------------------------------------------------------------------------


def test_wjx_xlsx_has_wjx_layout(sample: tuple[Path, list[SampleFile]]) -> None:
    """The 问卷星 export has its metadata, N、 headers, ┋ multis, (跳过), 〖other〗 and — matrix."""
    out = sample[0]
    wb = openpyxl.load_workbook(out / EXPORTS[0])
    assert wb.sheetnames == ["Sheet1"]
    header, rows = _wjx_rows(out)
    assert header[:6] == ["序号", "提交答卷时间", "所用时间", "来源", "来源详情", "来自IP"]
    questions = header[6:]
    assert all(re.match(r"^\d+、", h) for h in questions)
    assert sum("—" in h for h in questions) == 4
    assert any(h.endswith(" ") for h in questions)
    assert any(h.endswith(("？", "?")) for h in questions)
    assert any("多选题" in h for h in questions)
    cells = [c for row in rows for c in row if isinstance(c, str)]
    for marker in ("┋", "(跳过)", "(空)", "〖", "→", "分", "秒"):
        assert any(marker in c for c in cells), marker
    assert all(isinstance(row[0], int) for row in rows)
    assert [row[0] for row in rows] == list(range(1, len(rows) + 1))
    assert all(re.fullmatch(r"2024/\d{1,2}/\d{1,2} \d{1,2}:\d\d:\d\d", row[1]) for row in rows)
    assert all(
        re.fullmatch(r"[\d.]+\((.+-.+|日本|美国|新加坡|英国|未知)\)", row[5]) for row in rows
    )
    ws = wb["Sheet1"]
    formula_like = [
        c for r in ws.iter_rows() for c in r if isinstance(c.value, str) and c.value.startswith("=")
    ]
    assert formula_like and all(c.data_type == "s" for c in formula_like)
    assert wb.properties.created == wb.properties.modified


def test_wjx_age_fill_in_matches_true_band(
    sample: tuple[Path, list[SampleFile]], truth: dict[str, Any]
) -> None:
    """Every written 2024 age form (28, 28岁, ２８, 1996年, 25-29岁) agrees with the true band."""
    _header, rows = _wjx_rows(sample[0])
    by_id = {row[0]: row for row in rows}
    for resp in truth["editions"]["2024"]["respondents"]:
        raw = by_id[resp["row_id"]][6]
        text = unicodedata.normalize("NFKC", raw)
        band = None
        if m := re.fullmatch(r"(\d+)[-~](\d+)岁", text):
            band = next(
                k for k, (lo, hi) in BANDS.items() if (lo, hi) == tuple(map(int, m.groups()))
            )
        elif text in ("18岁以下", "50岁及以上"):
            band = "under_18" if text == "18岁以下" else "50_plus"
        else:
            n = int(re.fullmatch(r"(\d+)[岁年]?", text).group(1))  # type: ignore[union-attr]
            age = 2024 - n if n >= 1900 else n
            band = next(k for k, (lo, hi) in BANDS.items() if lo <= age <= hi)
        assert band == resp["answers"]["age_band"], (resp["row_id"], raw)
    written = [by_id[r["row_id"]][6] for r in truth["editions"]["2024"]["respondents"]]
    for pattern in (
        r"\d\d",
        r"\d\d岁",
        r"[０-９]{2}",
        r"(19|20)\d\d",
        r"(19|20)\d\d年",
        r"\d\d-\d\d岁",
        r"\d\d~\d\d岁",
    ):
        assert any(re.fullmatch(pattern, w) for w in written), pattern


def test_tencent_csv_is_gb18030_crlf(sample: tuple[Path, list[SampleFile]]) -> None:
    """The 腾讯问卷 CSV decodes as GB18030, is not UTF-8 and has 腾讯 columns."""
    raw = (sample[0] / EXPORTS[1]).read_bytes()
    with pytest.raises(UnicodeDecodeError):
        raw.decode("utf-8")
    assert raw.split(b"\n", 1)[0].endswith(b"\r")
    header, rows = _tencent_rows(sample[0])
    assert header[:6] == ["编号", "开始答题时间", "结束答题时间", "答题时长", "IP省份", "IP城市"]
    assert all(re.match(r"^\d+\.", h) for h in header[6:])
    assert "6.您使用过哪些AI创作工具:其他" in header
    assert "14.请为以下方面打分:组织协调" in header
    assert "11.请按重要性对您最需要的支持排序:作品反馈" in header
    assert all(len(r) == len(header) for r in rows)
    ages = Counter(r[6] for r in rows)
    assert ages["30~34岁"] > 0 and ages["30-34岁"] > 0
    assert any(r[8].startswith("其他(") for r in rows)
    assert all(re.fullmatch(r"2025-\d\d-\d\d \d\d:\d\d:\d\d", r[2]) for r in rows)
    assert any("\n" in c for r in rows for c in r)


def test_roster_is_utf8_bom(sample: tuple[Path, list[SampleFile]], planted: dict) -> None:
    """The roster has a BOM, the five columns and exactly the planted invalid rows."""
    raw = (sample[0] / EXPORTS[2]).read_bytes()
    assert raw.startswith(b"\xef\xbb\xbf")
    rows = list(csv.reader(io.StringIO(raw.decode("utf-8-sig"), newline="")))
    assert rows[0] == ["姓名", "联系方式", "社区", "参与届次", "分工"]
    data = rows[1:]
    bad = [
        i for i, r in enumerate(data, 1) if not r[1] or not set(r[3].split(";")) <= {"2024", "2025"}
    ]
    info = planted["roster"]
    assert len(data) == info["rows_written"]
    assert bad == [r["row"] for r in info["invalid_rows"]]
    assert len(data) - len(bad) == info["valid_rows"]


# --- planted counts vs files ------------------------------------------------------------------


def _edition_counts(out: Path, planted: dict, edition: int) -> dict[str, Any]:
    """Count one edition's mess straight from its file and check the invalid cells."""
    info = planted["editions"][edition]
    header, rows = _wjx_rows(out) if edition == 2024 else _tencent_rows(out)
    n = QIDS.index("contact") + 1
    prefix = f"{n}、" if edition == 2024 else f"{n}."
    by_id = {int(r[0]): r for r in rows}
    for bad in info["invalid_rows"]["rows"]:
        assert by_id[bad["row_id"]][header.index(bad["column"])] == bad["value"]
    invalid_ids = {bad["row_id"] for bad in info["invalid_rows"]["rows"]}
    ip_cols = [5] if edition == 2024 else [4, 5]
    return _count_mess(header, rows, ip_cols, prefix, invalid_ids)


@pytest.mark.parametrize("edition", [2024, 2025])
def test_planted_counts_equal_file_contents(
    sample: tuple[Path, list[SampleFile]], planted: dict, edition: int
) -> None:
    """Rows, exact duplicates, repeat submissions, invalid and valid rows match planted.yaml."""
    info = planted["editions"][edition]
    got = _edition_counts(sample[0], planted, edition)
    assert got["rows"] == info["rows_written"]
    assert len(got["dups"]) == info["exact_duplicate_rows"]
    assert got["dups"] == [(d["row_id"], d["duplicate_of"]) for d in info["duplicates"]]
    assert got["repeat_people"] == info["repeat_submissions"]["people"]
    assert got["superseded"] == info["repeat_submissions"]["superseded_rows"]
    assert got["valid"] == info["valid_unique_responses"]
    assert info["invalid_rows"]["total"] == sum(info["invalid_rows"]["by_kind"].values())
    assert 300 <= info["valid_unique_responses"] <= 480


def test_returning_respondents_link_by_contact(
    sample: tuple[Path, list[SampleFile]], planted: dict, truth: dict
) -> None:
    """35-45% of 2025 respondents answered in 2024 with the same contact, as planted."""
    old = _edition_counts(sample[0], planted, 2024)["latest_by_contact"]
    new = _edition_counts(sample[0], planted, 2025)["latest_by_contact"]
    info = planted["editions"][2025]
    both = set(old) & set(new)
    assert len(both) == info["returning_respondents"]["count"]
    share = len(both) / info["valid_unique_responses"]
    assert 0.35 <= share <= 0.45
    assert sum(r["returning"] for r in truth["editions"]["2025"]["respondents"]) == len(both)
    roster = (sample[0] / EXPORTS[2]).read_bytes().decode("utf-8-sig")
    roster_contacts = {_contact_key(r[1]) for r in csv.reader(io.StringIO(roster, newline=""))}
    assert (set(old) | set(new)) <= roster_contacts


# --- planted shares in the truth --------------------------------------------------------------


def _shares(values: list[Any], keys: list[Any]) -> dict[Any, float]:
    """Return the share of each key among values."""
    c = Counter(values)
    return {k: c[k] / len(values) for k in keys}


@pytest.mark.parametrize("edition", [2024, 2025])
def test_planted_shares_hit_targets(planted: dict, truth: dict, edition: int) -> None:
    """Age, role, city, gender, tools, income, satisfaction, return and works hit the targets."""
    info = planted["editions"][edition]
    target, tol = info["targets"], info["targets"]["tolerance"]
    resp = [r["answers"] for r in truth["editions"][str(edition)]["respondents"]]
    assert len(resp) == info["valid_unique_responses"]
    valid_ids = {r["row_id"] for r in truth["editions"][str(edition)]["respondents"]}
    assert len(valid_ids) == len(resp)

    def close(got: dict[Any, float], want: dict[Any, float]) -> None:
        for k, v in want.items():
            assert abs(got[k] - v) <= tol, (edition, k, got[k], v)

    close(_shares([a["age_band"] for a in resp], list(target["age_band"])), target["age_band"])
    young = sum(a["age_band"] in ("25_29", "30_34") for a in resp) / len(resp)
    assert abs(young - target["age_25_34"]) <= tol and 0.55 <= young <= 0.60
    close(_shares([a["gender"] for a in resp], list(target["gender"])), target["gender"])
    roles = _shares([a["role"] for a in resp], list(target["role"]))
    close(roles, target["role"])
    assert roles["product_manager"] >= 0.40
    assert max(roles, key=roles.__getitem__) == "product_manager"
    main_cities = [k for k in target["city"] if k not in ("tail", "overseas")]
    cities = _shares([a["city"] for a in resp], main_cities)
    close(cities, {k: target["city"][k] for k in main_cities})
    assert max(cities, key=cities.__getitem__) == "上海"
    tools = Counter(t for a in resp for t in a["tools"])
    assert {k for k, _ in tools.most_common(4)} == set(target["tools_top4"])
    close({k: tools[k] / len(resp) for k in target["tools"]}, target["tools"])
    income = [a["income"] for a in resp if a["income"] is not None]
    close(_shares(income, list(target["income"])), target["income"])
    assert sum(a["income_skipped"] for a in resp) == info["income_skipped_students"]
    close(
        _shares([a["will_return"] for a in resp], list(target["will_return"])),
        target["will_return"],
    )
    sat = sum(a["satisfaction"] for a in resp) / len(resp)
    assert (
        abs(sat - target["satisfaction_mean"]["value"]) <= target["satisfaction_mean"]["tolerance"]
    )
    works = sum(a["works_past_year"] in (2, 3) for a in resp) / len(resp)
    assert abs(works - target["works_past_year_2_3"]) <= tol
    months = [a["experience_months"] for a in resp if a["experience_months"] is not None]
    lo, hi = target["experience_months_range"]
    assert lo <= min(months) and max(months) <= hi
    assert len([a for a in resp if a["city"] is None]) == len(info["unmappable_cities"])


def test_cli_writes_files(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    """The CLI writes the exports and refuses --write-planted with another seed."""
    assert main([str(tmp_path), "--seed", "5"]) == 0
    printed = capsys.readouterr().out
    for name in EXPORTS:
        assert (tmp_path / name).exists() and name in printed
    with pytest.raises(SystemExit):
        main(["--write-planted", "--seed", "5"])
