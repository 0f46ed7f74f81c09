"""Encoding detection: ours (app/core/dialects.py) against charset-normalizer, side by side.

    uv run --with charset-normalizer python benchmarks/bench_encoding.py [--large-mb 50] [--json PATH]

Every case is generated here in a temporary folder, from the bundled sample plus a free-text column: the
detection cases of the tests (tests/app/inputs.py VARIANTS, tests/app/core/test_hostile_rows.py,
tests/app/core/test_reading.py's binary refusal) and the ones statistical detectors are known to get wrong
(one stray byte in UTF-8, UTF-16 without a byte-order mark, a header and one to three Windows-1252 rows,
Latin-1 with bytes Windows-1252 leaves undefined) and large files for the time.

Ours is called as app/core/reading.py's ``open_input`` calls it: the first ``SAMPLE_BYTES`` bytes, then one
pass over the whole file from disk. charset-normalizer is called as its README says,
``from_path(path).best()``. An answer is right when decoding the file with the encoding named gives the text
that was written (a UTF-8 byte that is not valid reads as U+FFFD, as the app reports it per row; a leading
BOM is dropped); for a binary file the right answer is a refusal (ours raises ``InputError``,
charset-normalizer returns no match). Times are the best of ``--repeat`` runs, the import excluded.
"""

from __future__ import annotations

import argparse
import csv
import io
import json
import time
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from tempfile import TemporaryDirectory

from app.core.dialects import SAMPLE_BYTES, ByteCounts, InputError, count_bytes, detect_encoding
from app.core.paths import samples_dir

SAMPLE = samples_dir() / "telco_churn_to_score.csv"
# The free-text column tests/app/inputs.py adds: separators, quotes, a line break and accents.
NOTES = ["Called, no answer\nretry Monday", "Zürich office", 'said "maybe"', "", "São Paulo; Ærø"]
REFUSED = "(refused)"
OUR_ENCODINGS = ["ascii", "utf_8", "utf_16", "utf_16_le", "utf_16_be", "cp1252", "latin_1"]


@dataclass(frozen=True)
class Case:
    name: str
    data: bytes
    text: str | None  # what was written; None: a binary file, to be refused


def _sample_text(sep: str = ",", newline: str = "\n", rows: int | None = None, repeat: int = 1) -> str:
    """The sample with a notes column, written as csv.writer writes it (what tests/app/inputs.py does)."""
    header, *lines = SAMPLE.read_text(encoding="utf-8").splitlines()
    lines = (lines * repeat)[:rows]
    buffer = io.StringIO()
    writer = csv.writer(buffer, delimiter=sep, lineterminator=newline)
    writer.writerow([*header.split(","), "notes"])
    for i, line in enumerate(lines):
        writer.writerow([*line.split(","), NOTES[i % len(NOTES)]])
    return buffer.getvalue()


def _short(cells: list[str]) -> str:
    """A header and one row per cell: the few non-ASCII bytes a statistical detector has to go on."""
    return "".join(["customer_id,name,monthly_charges\n", *(f"{i},{c},29.85\n" for i, c in enumerate(cells, 1))])


def _stray(text: str, at: int) -> tuple[bytes, str]:
    """``text`` as UTF-8 with one Windows-1252 ``é`` (0xE9) put in the line ``at``: bytes, and as it reads."""
    lines = text.splitlines(keepends=True)
    lines[at] = lines[at].replace(",", ",Caf\udce9 ", 1)
    data = "".join(lines).encode("utf-8", errors="surrogateescape")
    return data, data.decode("utf-8", errors="replace")


def cases(large_mb: int) -> list[Case]:
    sample = _sample_text()
    latin1_text = _short(["Ren\x81e", "caf\x9d", "Müller"])  # 0x81, 0x9D: undefined in Windows-1252
    latin1_text += "".join(f"{i},Zoë,{i}.5\n" for i in range(4, 40))
    stray_small, stray_small_text = _stray(
        "customer_id,name\n" + "".join(f"{i},José Müller\n" for i in range(1, 31)), 28
    )
    many = _sample_text(repeat=25)  # ~5,000 rows, ~0.6 MB
    stray_many, stray_many_text = _stray(many, len(many.splitlines()) // 2)
    large = _sample_text(repeat=max(1, large_mb * 1_000_000 // len(sample.encode())))
    large_stray, large_stray_text = _stray(large, len(large.splitlines()) // 2)
    built = [
        # tests/app/inputs.py VARIANTS (test_reading.py, test_properties.py)
        Case("utf8 (sample)", sample.encode("utf-8"), sample),
        Case("utf8 with BOM", sample.encode("utf-8-sig"), sample),
        Case("utf16 with BOM", sample.encode("utf-16"), sample),
        Case("cp1252 (sample)", sample.encode("cp1252"), sample),
        Case("latin1 (sample)", sample.encode("latin-1"), sample),
        Case("cp1252 ; CRLF (excel_de)", _sample_text(";", "\r\n").encode("cp1252"), _sample_text(";", "\r\n")),
        # tests/app/core/test_hostile_rows.py
        Case("utf8, 1 stray byte, 30 rows", stray_small, stray_small_text),
        Case(
            "cp1252, 5 rows 'José'",
            (t := "customer_id,name\n" + "".join(f"{i},José\n" for i in range(5))).encode("cp1252"),
            t,
        ),
        # tests/app/core/test_reading.py: refused as binary
        Case("PNG header", b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR\x00\x00", None),
        # the new cases
        Case("utf8, 1 stray 0xE9, 5k rows", stray_many, stray_many_text),
        Case("utf16-le, no BOM", sample.encode("utf-16-le"), sample),
        Case("utf16-be, no BOM", sample.encode("utf-16-be"), sample),
        # ... and a character whose UTF-16 has a NUL byte of its own (U+0100, U+4E00), or mostly non-Latin text
        Case("utf16-le, no BOM, one U+0100 'Ā'", (t := sample + "9999,Āsa\n").encode("utf-16-le"), t),
        Case("utf16-be, no BOM, one U+4E00", (t := sample + "9999,一郎\n").encode("utf-16-be"), t),
        Case("utf16-le, no BOM, Cyrillic", (t := _short(["Иванов Сергей Петрович"] * 40)).encode("utf-16-le"), t),
        Case("cp1252 short: 1 row 'é'", _short(["José"]).encode("cp1252"), _short(["José"])),
        Case("cp1252 short: 2 rows '€'", _short(["12 €", "7 €"]).encode("cp1252"), _short(["12 €", "7 €"])),
        Case("cp1252 short: 3 rows 'ñ'", (t := _short(["Núñez", "Peña", "Muñoz"])).encode("cp1252"), t),
        Case("cp1252 short: é € ñ", (t := _short(["Café", "5 €", "España"])).encode("cp1252"), t),
        Case(
            "ascii",
            (
                t := _sample_text(rows=50).replace("ü", "u").replace("ã", "a").replace("Æ", "AE").replace("ø", "o")
            ).encode("ascii"),
            t,
        ),
        Case("latin1, 0x81/0x9D (not cp1252)", latin1_text.encode("latin-1"), latin1_text),
        Case(f"utf8 {large_mb} MB", large.encode("utf-8"), large),
        Case(f"utf8 {large_mb} MB, 1 stray byte", large_stray, large_stray_text),
        Case(f"cp1252 {large_mb} MB", large.encode("cp1252"), large),
    ]
    return built


def _decoded(data: bytes, encoding: str, replace: bool) -> str | None:
    """The text as the reader would get it with ``encoding``; None when it cannot be read so."""
    try:
        return data.decode(encoding, errors="replace" if replace else "strict").lstrip("\ufeff")
    except (UnicodeDecodeError, LookupError):
        return None


def ours(path: Path) -> tuple[str, bool]:
    """Encoding named, and whether bytes not valid in it read as U+FFFD, as open_input tells them."""
    with path.open("rb") as handle:
        head = handle.read(SAMPLE_BYTES)

    def scan() -> ByteCounts:
        with path.open("rb") as whole:
            return count_bytes(whole)

    try:
        encoding, _bom, replaced = detect_encoding(path, head, scan)
    except InputError:
        return REFUSED, False
    return encoding, bool(replaced)


def theirs(path: Path, only: list[str] | None = None) -> tuple[str, bool]:
    """Encoding named (a byte not valid in it would read as U+FFFD, as ours reads one)."""
    from charset_normalizer import from_path

    best = from_path(path, cp_isolation=only).best()
    return (REFUSED, False) if best is None else (best.encoding, True)


def theirs_limited(path: Path) -> tuple[str, bool]:
    """charset-normalizer told to try only the encodings the app reads (build.spec leaves out the rest)."""
    return theirs(path, OUR_ENCODINGS)


DETECTORS = {"ours": ours, "charset-normalizer": theirs, "c-n, our encodings": theirs_limited}


def _timed(detector: Callable[[Path], tuple[str, bool]], path: Path, repeat: int) -> tuple[str, bool, float]:
    """The detector's answer and its best time of ``repeat`` runs."""
    times, answer = [], (REFUSED, False)
    for _ in range(repeat):
        started = time.perf_counter()
        answer = detector(path)
        times.append(time.perf_counter() - started)
    return answer[0], answer[1], min(times)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--large-mb", type=int, default=50)
    parser.add_argument("--repeat", type=int, default=5)
    parser.add_argument("--json", type=Path, help="also write the rows here")
    args = parser.parse_args()
    started = time.perf_counter()
    import charset_normalizer

    imported = time.perf_counter() - started
    rows = []
    with TemporaryDirectory() as folder:
        for number, case in enumerate(cases(args.large_mb)):
            path = Path(folder) / f"case{number}.csv"
            path.write_bytes(case.data)
            repeat = args.repeat if len(case.data) < 10_000_000 else max(1, args.repeat // 2)
            row = {"case": case.name, "bytes": len(case.data)}
            for label, detector in DETECTORS.items():
                encoding, replace, seconds = _timed(detector, path, repeat)
                if case.text is None:
                    right = encoding == REFUSED
                else:
                    right = encoding != REFUSED and _decoded(case.data, encoding, replace) == case.text
                row[label] = {"encoding": encoding, "right": right, "ms": round(seconds * 1000, 2)}
            rows.append(row)
            _print_row(row, first=number == 0)
            path.unlink()
    wrong = {label: [r["case"] for r in rows if not r[label]["right"]] for label in DETECTORS}
    print()
    print(f"charset-normalizer {charset_normalizer.__version__}, imported in {imported * 1000:.0f} ms")
    for label, names in wrong.items():
        print(f"{label}: wrong on {len(names)} of {len(rows)}" + (f": {', '.join(names)}" if names else ""))
    if args.json:
        args.json.write_text(json.dumps({"version": charset_normalizer.__version__, "rows": rows}, indent=1) + "\n")


def _print_row(row: dict, first: bool) -> None:
    if first:
        print(f"{'case':34}" + "".join(f" | {label:>19} {'right':>5} {'ms':>8}" for label in DETECTORS))
    yes = {True: "yes", False: "NO"}
    cells = [row[label] for label in DETECTORS]
    print(f"{row['case']:34}" + "".join(f" | {c['encoding']:>19} {yes[c['right']]:>5} {c['ms']:>8.2f}" for c in cells))


if __name__ == "__main__":
    main()
