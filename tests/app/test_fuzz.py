"""The adversarial fuzz harness: broken exports made from the sample by a seeded generator, scored by the CLI.

Every file must end in exit 0 or 2, never a traceback. A scored file must hold exactly the input's records,
each as wide as its header, none of its cells able to run as a formula and none able to split into two
records. The corpus is generated from ``SEED``, so a failure names a file that can be made again.
"""

from __future__ import annotations

import codecs
import csv
import hashlib
import io
import json
import random
import shutil
import warnings
import zipfile
from pathlib import Path

import pytest

from app.cli import EXIT_BUNDLE, EXIT_INPUT, EXIT_OK, main
from app.core.card import card_digest
from app.core.output import neutralise_formulas
from app.core.reading import InputError, open_input
from app.core.signing import MANIFEST, PACKAGE_FILES, write_package
from tests.app.core import test_signed_models
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


# ---- model packages ------------------------------------------------------------------------------------------

PACKAGES = 80
keys = test_signed_models.keys  # a trusted key (the program's key folder, here a temporary one) and a stranger's


def _mutate_package(rng: random.Random, good: bytes, seed: bytes) -> bytes:
    """One damaged or crafted package: bytes of the file changed, or its contents changed and signed again with
    the trusted key (so only the checks after the signature stand between it and the active model)."""
    kind = rng.randrange(4)
    if kind == 0:  # damaged in transit or on disk
        data = bytearray(good)
        for _ in range(rng.randint(1, 8)):
            data[rng.randrange(len(data))] = rng.randrange(256)
        return bytes(data[: rng.choice([len(data), rng.randrange(len(data) + 1)])])
    if kind == 1:  # another archive around the same members: duplicates, extras, members dropped
        with zipfile.ZipFile(io.BytesIO(good)) as archive:
            entries = [(name, archive.read(name)) for name in archive.namelist()]
        for _ in range(rng.randint(1, 3)):
            name, data = rng.choice(entries)
            entries.insert(rng.randrange(len(entries) + 1), (rng.choice([name, "../" + name, "x/" + name]), data))
        if rng.random() < 0.3:
            entries.pop(rng.randrange(len(entries)))
        buffer = io.BytesIO()
        with warnings.catch_warnings(), zipfile.ZipFile(buffer, "w", rng.choice([0, 8])) as archive:
            warnings.simplefilter("ignore")  # zipfile warns of the duplicate names we want
            for name, data in entries:
                archive.writestr(name, data)
        return buffer.getvalue()
    with zipfile.ZipFile(io.BytesIO(good)) as archive:
        manifest = json.loads(archive.read(MANIFEST))
        files = {name: archive.read(name) for name in PACKAGE_FILES}
    if kind == 2:  # a signed model whose bytes or card say something else
        name = rng.choice(["model.onnx", "model.onnx", "model_card.json"])
        data = bytearray(files[name])
        for _ in range(rng.randint(1, 4)):
            data[rng.randrange(len(data))] = rng.randrange(256)
        files[name] = bytes(data)
        if name == "model.onnx" and rng.random() < 0.7:  # the card follows the new bytes, as a build would
            card = json.loads(files["model_card.json"])
            card["model"]["onnx_sha256"] = hashlib.sha256(files[name]).hexdigest()
            card["integrity"]["card_sha256"] = card_digest(card)
            files["model_card.json"] = json.dumps(card).encode()
    else:  # a signed manifest that says something odd
        field, value = rng.choice(
            [
                ("version", rng.choice(["9.9.9", "../x", "", "1.0.1/..", 7, None, "1.0.0", "0"])),
                ("name", rng.choice(["", "other", 3, None])),
                ("card_schema", rng.choice([None, "1", 99])),
                ("min_app_version", rng.choice(["99", "x", "0"])),
            ]
        )
        (manifest["model"] if field in ("version", "name") else manifest)[field] = value
    if rng.random() < 0.9:
        manifest["files"] = {name: hashlib.sha256(data).hexdigest() for name, data in files.items()}
    return write_package(files, manifest, seed)


@pytest.mark.slow
def test_fuzzed_packages_never_crash_and_never_activate_a_model_failing_its_golden_rows(
    tmp_path: Path, keys, capsys, isolated_user_data
) -> None:
    from app.core.bundle import check_golden_rows
    from app.core.model_store import ModelStore
    from tests.app.core.test_signed_models import _package, _seed

    good = _package(tmp_path, keys["key"]).read_bytes()
    seed, rng = _seed(keys["key"]), random.Random(SEED)
    outcomes: dict[int, int] = {}
    for index in range(PACKAGES):
        path = tmp_path / f"fuzz-{index:03d}.sdmodel"
        path.write_bytes(_mutate_package(rng, good, seed))
        for command in ("verify", "install"):
            code = main(["model", command, str(path)])
            out, err = capsys.readouterr()
            assert code in (EXIT_OK, EXIT_INPUT, EXIT_BUNDLE), f"{path}: {command} exit {code}: {err}"
            assert "details in" not in err, f"{path}: {err}"
            assert code == EXIT_OK or err.count("\n") == 1, f"{path}: {err}"
        outcomes[code] = outcomes.get(code, 0) + 1
        active = ModelStore().active()
        assert not active.problem, f"{path}: {active.problem}"
        assert check_golden_rows(active.bundle).problem is None, path
        assert (active.installed is not None) == (code == EXIT_OK), path
        shutil.rmtree(ModelStore().root, ignore_errors=True)  # the next package meets an empty store
    assert not (isolated_user_data / "errors.log").exists()
    assert outcomes.get(EXIT_BUNDLE, 0) > PACKAGES // 2  # the corpus mostly tests refusals
