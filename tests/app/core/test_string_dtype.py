"""Installing the dask extra (pyarrow) must not change what the local engine computes or writes.

pandas 3 stores strings in pyarrow whenever it can import it; the core states Python-backed strings
(``app.core.text``). Here one process has pyarrow importable and another has it blocked, on the same inputs.
"""

from __future__ import annotations

import importlib.util
import json
import os
import subprocess
import sys
from pathlib import Path

import pandas as pd

from app.core.bundle import load_bundle
from app.core.output import score_to_csv
from app.core.reading import open_input
from tests.app.inputs import VARIANTS, sample_frame, write_csv
from tests.conftest import REPO

_BLOCKED = "import sys; sys.modules['pyarrow'] = None; "
_SCORE = _BLOCKED + (
    "from pathlib import Path; from app.core.bundle import load_bundle; from app.core.output import score_to_csv;"
    " from app.core.reading import open_input; import json;"
    " inputs, outs = json.loads(sys.argv[1]), json.loads(sys.argv[2]); bundle = load_bundle();"
    " [score_to_csv(Path(i), Path(o), bundle) for i, o in zip(inputs, outs)];"
    " print(json.dumps(sorted({str(c.text[col].dtype) for i in inputs for c in open_input(Path(i)).chunks()"
    " for col in c.text.columns})))"
)


def test_the_local_engine_writes_the_same_bytes_with_and_without_pyarrow(tmp_path: Path) -> None:
    frame = sample_frame()
    frame.loc[3, "notes"] = "=HYPERLINK(1)"
    frame.loc[7, "tenure"] = ""
    inputs = [
        write_csv(frame, tmp_path / f"{name}.csv", **options)  # type: ignore[arg-type]
        for name, options in VARIANTS.items()
    ]
    without = [tmp_path / f"{p.stem}-without.csv" for p in inputs]
    done = subprocess.run(
        [sys.executable, "-c", _SCORE, json.dumps(list(map(str, inputs))), json.dumps(list(map(str, without)))],
        capture_output=True,
        text=True,
        cwd=REPO,
        env=os.environ.copy(),
        check=False,
    )
    assert done.returncode == 0, done.stderr
    bundle = load_bundle()
    for source, other in zip(inputs, without, strict=True):
        mine = tmp_path / f"{source.stem}-with.csv"
        score_to_csv(source, mine, bundle)
        assert mine.read_bytes() == other.read_bytes(), source.name
    # The text columns are the same dtype in both processes: Python-backed strings, stated by the core.
    here = sorted({str(c.text[col].dtype) for p in inputs for c in open_input(p).chunks() for col in c.text.columns})
    assert json.loads(done.stdout) == here == ["str"]
    if not os.environ.get("SCOREDESK_TEST_WITHOUT_PYARROW"):
        assert importlib.util.find_spec("pyarrow") is not None  # this process really has pyarrow
        assert all(
            c.text[col].dtype.storage == "python" for c in open_input(inputs[0]).chunks() for col in c.text.columns
        )
        assert pd.Series(["x"]).dtype.storage == "pyarrow"  # what pandas would have picked on its own
