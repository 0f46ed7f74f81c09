"""The adversarial fuzz harness: broken exports made from the sample by a seeded generator, scored by the CLI.

Every file must end in exit 0 or 2, never a traceback. A scored file must hold exactly the input's records,
each as wide as its header, none of its cells able to run as a formula and none able to split into two
records. The corpus is generated from ``SEED``, so a failure names a file that can be made again.
"""

from __future__ import annotations

import codecs
import csv
import io
import random
from pathlib import Path

import pytest

from app.cli import EXIT_INPUT, EXIT_OK, main
from app.core.output import neutralise_formulas
from app.core.reading import InputError, open_input
from tests.app.inputs import SAMPLE

SEED = 20261202
FILES = 240
HEADER, *ROWS = SAMPLE.read_text(encoding="utf-8").splitlines()
NASTY_CELLS = [
    "Call me\r=cmd|' /C calc'!A0",
    "two\nlines",
    "two\r\nlines",
    '=HYPERLINK("http://evil","x")',
    "＝1+1",
    "  @SUM(A1)",
    'say "hi"',
    "a,b;c\td|e",
    "José Müller",
    "\u2028=1",
    "",
    "-3",
]


def _quoted(cell: str, separator: str) -> str:
    if any(c in cell for c in f'"\r\n{separator}'):
        return '"' + cell.replace('"', '""') + '"'
    return cell


def _mutate(rng: random.Random, index: int) -> bytes:
    """One broken export: a few mutations of the sample, chosen and placed by ``rng``."""
    separator = rng.choice([",", ";", "\t", "|"])
    newline = rng.choice(["\n", "\r\n", "\r"])
    header = HEADER.split(",")
    rows = [next(csv.reader([row])) for row in rng.sample(ROWS, rng.randint(1, 40))]
    if rng.random() < 0.6:  # a free-text column full of trouble
        header.append(rng.choice(["notes", '=HYPERLINK("x")', "tenure", "", "@hdr"]))
        for row in rows:
            row.append(rng.choice(NASTY_CELLS))
    lines = [separator.join(_quoted(cell, separator) for cell in row) for row in [header, *rows]]
    for _ in range(rng.randint(0, 4)):
        target = rng.randrange(len(lines))
        kind = rng.randrange(9)
        if kind == 0:
            lines[target] += separator + separator.join(f"EXTRA{i}" for i in range(rng.choice([1, 2, 30, 5000])))
        elif kind == 1:
            lines[target] = lines[target][: rng.randrange(len(lines[target]) + 1)]  # truncated
        elif kind == 2:
            lines[target] = lines[target].replace(separator, rng.choice([",", ";"]))  # a re-saved line
        elif kind == 3:
            lines.insert(target, "")
        elif kind == 4:
            lines.insert(target + 1, lines[0])  # a pasted header
        elif kind == 5:
            lines[target] += '"'  # a stray quote
        elif kind == 6:
            lines.insert(target, "   ")
        elif kind == 7:
            lines[target] = lines[target].replace("e", "\x00", 1)
        else:
            lines[target] = separator * rng.randrange(3)
    text = newline.join(lines) + (newline if rng.random() < 0.8 else "")
    encoding = rng.choice(["utf-8", "utf-8", "utf-8-sig", "cp1252", "utf-16"])
    data = text.encode(encoding, errors="replace")
    if rng.random() < 0.1:  # one stray byte from another program
        at = rng.randrange(len(data) + 1)
        data = data[:at] + b"\xe9" + data[at:]
    if rng.random() < 0.05:
        data = data[: rng.randrange(len(data) + 1)]
    return data


def _input_records(path: Path) -> int | None:
    """Records in the input as Python's csv reads it with the detected dialect (blank lines are no record)."""
    try:
        dialect = open_input(path).dialect
    except InputError:
        return None
    text = path.read_bytes().decode(dialect.encoding, errors="replace").removeprefix(codecs.BOM_UTF8.decode())
    text = text.lstrip("\ufeff")
    records = list(csv.reader(io.StringIO(text, newline=""), delimiter=dialect.separator))
    blank = [len(record) == 0 or (len(record) == 1 and not record[0].strip(" \t")) for record in records]
    return blank.count(False) - 1


@pytest.mark.slow
def test_fuzzed_exports_never_crash_lose_records_or_leak_formulas(tmp_path: Path, capsys) -> None:
    csv.field_size_limit(2**31 - 1)
    rng = random.Random(SEED)
    outcomes = {EXIT_OK: 0, EXIT_INPUT: 0}
    for index in range(FILES):
        source, out = tmp_path / f"fuzz-{index:03d}.csv", tmp_path / f"fuzz-{index:03d}.out.csv"
        source.write_bytes(_mutate(rng, index))
        code = main(["score", str(source), "-o", str(out), "--no-log"])
        err = capsys.readouterr().err
        assert code in outcomes, f"{source}: exit {code}: {err}"
        outcomes[code] += 1
        if code == EXIT_INPUT:
            assert err.startswith(f"error: {source}"), err
            assert err.count("\n") == 1, err
            assert not out.exists()
            continue
        with open(out, encoding="utf-8-sig", newline="") as handle:
            header, *records = list(csv.reader(handle, delimiter=open_input(source).dialect.separator))
        expected = _input_records(source)
        assert len(records) == expected, f"{source}: {len(records)} records out, {expected} in"
        assert all(len(record) == len(header) for record in records), source
        for cell in [*header, *(cell for record in records for cell in record)]:
            assert neutralise_formulas([cell])[0] == cell, f"{source}: {cell!r} can run"
    assert outcomes[EXIT_OK] > FILES // 2  # the corpus mostly tests scoring, not refusals


# ---- mapping files -------------------------------------------------------------------------------------------
MAPPING_SEED = 20261208
MAPPINGS = 160
MAPPING_BASE = """# model column = file column
[columns]
customer_id = "customer_id"
female = "gender"

# file value = model value, for one model column
[values.female]
Female = 1
Male = 0

[values.contract]
"Monthly" = "Month-to-month"
"""
NASTY_KEYS = [
    '"\\u001b[2J"',
    '"a\\nb"',
    '"\\u007f"',
    '" Female"',
    '"FEMALE"',
    '"female"',
    '""',
    '"tenure.1"',
    '"x\\u202ey"',
    "contract",
    "churn",
    "tenure",
    "monthly_charges",
    '"' + "k" * 5000 + '"',
]
NASTY_VALUES = [
    "1",
    "0",
    "2",
    "-1",
    "1.5",
    "nan",
    "inf",
    "true",
    "false",
    '"Yes"',
    '"Two year"',
    '"Month-to-month"',
    '"monthly_charges"',
    '"gender"',
    '"\\u001b]0;x\\u0007"',
    "[1, 2]",
    '{ a = "b" }',
    "1979-05-27T07:32:00Z",
    "1" * 5000,
    '"' + "v" * 200_000 + '"',
    '"""two\nlines"""',
]
NASTY_TABLES = [
    "[columns]",
    "[values]",
    "[values.female]",
    "[values.tenure]",
    "[values.contract]",
    "[colums]",
    "[values.nope]",
    "[[columns]]",
    "[values.female.deeper]",
    "values = 3",
    "columns = []",
]


def _mapping_mutation(rng: random.Random) -> bytes:
    """One broken mapping file: a few mutations of a good one, chosen and placed by ``rng``."""
    lines = MAPPING_BASE.splitlines()
    for _ in range(rng.randint(1, 5)):
        at = rng.randrange(len(lines) + 1)
        kind = rng.randrange(10)
        if kind == 0:
            lines.insert(at, f"{rng.choice(NASTY_KEYS)} = {rng.choice(NASTY_VALUES)}")
        elif kind == 1:
            lines.insert(at, rng.choice(NASTY_TABLES))
        elif kind == 2 and lines:
            line = lines[min(at, len(lines) - 1)]
            lines[min(at, len(lines) - 1)] = line[: rng.randrange(len(line) + 1)]  # truncated
        elif kind == 3:
            depth = rng.choice([10, 200, 3000])
            opening, closing = rng.choice([("[", "]"), ("{ a = ", " }")])
            lines.insert(at, "deep = " + opening * depth + "1" + closing * depth)
        elif kind == 4:
            lines.insert(at, "[values.contract]")
            lines.insert(at + 1, f'"{rng.choice(["Monthly", "monthly"])}{rng.choice(["", " "])}" = "Two year"')
        elif kind == 5 and lines:
            target = rng.randrange(len(lines))
            lines[target] = lines[target].replace("=", rng.choice(["==", ":", ""]), 1)
        elif kind == 6:
            lines.insert(at, "".join(chr(rng.randrange(1, 0x250)) for _ in range(rng.randint(1, 30))))
        elif kind == 7:
            lines.insert(at, f'tenure = "{rng.choice(["monthly_charges", "tenure", "Tenure", "nope"])}"')
        elif kind == 8:
            lines.insert(at, "# " + "x" * rng.choice([10, 2**20]))  # a comment past the size limit
        else:
            lines = [f"[{'a.' * rng.randint(1, 400)}b]", *lines]
    text = "\n".join(lines) + "\n"
    data = text.encode(rng.choice(["utf-8", "utf-8", "utf-8-sig", "utf-16", "cp1252"]), errors="replace")
    if rng.random() < 0.1:
        at = rng.randrange(len(data) + 1)
        data = data[:at] + bytes([rng.randrange(256)]) + data[at:]
    return data


@pytest.mark.slow
def test_fuzzed_mapping_files_end_in_a_score_or_one_line(tmp_path: Path, capsys) -> None:
    export = tmp_path / "export.csv"  # the IBM export's way: gender as Female/Male
    header = HEADER.replace("female", "gender")
    records = [next(csv.reader([row])) for row in ROWS[:30]]
    position = header.split(",").index("gender")
    for record in records:
        record[position] = {"1": "Female", "0": "Male"}[record[position]]
    with open(export, "w", encoding="utf-8", newline="") as handle:
        csv.writer(handle, lineterminator="\n").writerows([header.split(","), *records])
    rng = random.Random(MAPPING_SEED)
    outcomes = {EXIT_OK: 0, EXIT_INPUT: 0}
    for index in range(MAPPINGS):
        mapping = tmp_path / f"mapping-{index:03d}.toml"
        mapping.write_bytes(_mapping_mutation(rng))
        code = main(["check", str(export), "--mapping", str(mapping)])
        err = capsys.readouterr().err
        assert code in outcomes, f"{mapping}: exit {code}: {err}"
        outcomes[code] += 1
        if code == EXIT_INPUT:
            assert err.startswith("error: "), f"{mapping}: {err}"
            assert err.count("\n") == 1, f"{mapping}: {err!r}"
            assert "unexpected" not in err, f"{mapping}: {err}"
            assert "\x1b" not in err, f"{mapping}: {err!r}"
    assert outcomes[EXIT_OK] > 0  # some mutations leave a usable mapping: the harness reaches scoring too
