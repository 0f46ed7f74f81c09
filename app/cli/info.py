"""``info``: the model card's summary, and which model is in use."""

from __future__ import annotations

import argparse
import json
from typing import Any

from app.cli.exits import EXIT_OK
from app.cli.numbers import _fmt, _general
from app.core.bundle import Bundle
from app.core.i18n import Figure
from app.core.i18n import gettext as _
from app.core.words import GATE_STATUSES, word


def card_summary(bundle: Bundle) -> dict[str, Any]:
    """The facts ``info`` shows."""
    raw = bundle.card.raw
    return {
        "name": bundle.card.name,
        "display_name": bundle.card.display_name,
        "version": bundle.card.version,
        "algorithm": raw["model"].get("algorithm"),
        "created_at": raw["model"].get("created_at"),
        "onnx_sha256": bundle.card.onnx_sha256,
        "data_sha256": raw.get("provenance", {}).get("data_sha256"),
        "code_version": raw.get("provenance", {}).get("code_version"),
        "target": {"column": bundle.card.target.column, "positive_label": bundle.card.target.positive_label},
        "threshold": bundle.card.threshold,
        "test_metrics": {k: v for k, v in raw.get("metrics", {}).get("test", {}).items() if k != "confusion_matrix"},
        "gates": [{k: g[k] for k in ("name", "metric", "value", "status")} for g in raw.get("gates", [])],
        "bundle": str(bundle.directory),
        "in_use": {"origin": bundle.origin, "version": bundle.card.version, "key_id": bundle.signed_by},
        "warning": bundle.warning.english() if bundle.warning is not None else None,
        "trusted_keys": _trusted_key_ids(),
    }


def _in_use(bundle: Bundle) -> str:
    """Which model runs, in words: the shipped one, an installed one and its key, or a folder."""
    model = f"{bundle.card.name} {bundle.card.version}"
    if bundle.origin == "installed":
        return _("model in use: the installed {model}, signed by key {key}").format(model=model, key=bundle.signed_by)
    if bundle.origin == "shipped":
        return _("model in use: the shipped {model}").format(model=model)
    return _("model in use: {model} from the unsigned folder {folder}").format(model=model, folder=bundle.directory)


def _trusted_key_ids() -> list[str]:
    from app.core.paths import keys_dir
    from app.core.signing import TrustedKeys

    return TrustedKeys.from_folder(keys_dir()).active_ids


def _info(args: argparse.Namespace, bundle: Bundle) -> int:
    summary = card_summary(bundle)
    if args.json:
        print(json.dumps(summary, indent=1))
        return EXIT_OK
    metrics = summary["test_metrics"]
    print(
        _("{name} {version} ({algorithm}), built {created}").format(
            name=summary["display_name"],
            version=summary["version"],
            algorithm=summary["algorithm"],
            created=summary["created_at"],
        )
    )
    print(
        _("predicts {column} = {label} at threshold {threshold}").format(
            column=summary["target"]["column"],
            label=repr(summary["target"]["positive_label"]),
            threshold=Figure(summary["threshold"], 2).local(),
        )
    )
    print(_("bundle {folder}").format(folder=summary["bundle"]))
    print(_in_use(bundle))
    if bundle.warning is not None:
        print("warning: " + bundle.warning.text())
    print(_("trusted model-package keys: {keys}").format(keys=", ".join(summary["trusted_keys"]) or _("none")))
    print(_("data sha256 {digest}").format(digest=summary["data_sha256"]))
    print(_("model sha256 {digest}").format(digest=summary["onnx_sha256"]))
    print(
        _("test: {metrics}").format(
            metrics=", ".join(
                f"{k} {_fmt(metrics.get(k))}"
                for k in ("roc_auc", "pr_auc", "brier", "accuracy", "precision", "recall", "f1")
            )
        )
    )
    for gate in summary["gates"]:
        value = _("n/a") if gate["value"] is None else _general(gate["value"])
        status = word(GATE_STATUSES, str(gate["status"]))
        print(
            _("gate {status} {name} ({metric} = {value})").format(
                status=f"{status:<14}", name=gate["name"], metric=gate["metric"], value=value
            )
        )
    return EXIT_OK
