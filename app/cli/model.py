"""``model``: install, list, switch and verify signed model packages."""

from __future__ import annotations

import argparse
import json
import sys
from collections.abc import Callable
from typing import TYPE_CHECKING

from app.cli.exits import EXIT_BUNDLE, EXIT_INPUT, EXIT_OK
from app.core.bundle import Bundle, BundleError
from app.core.i18n import gettext as _
from app.core.i18n import shown

if TYPE_CHECKING:
    from app.core.model_store import ModelStore


def _install(store: ModelStore, args: argparse.Namespace, bundle: Bundle) -> int:
    from app.core.champion import comparison_lines

    package = store.install(
        args.package,
        allow_downgrade=args.allow_downgrade,
        allow_other_model=args.allow_other_model,
        before_switch=lambda challenger: print("\n".join(comparison_lines(bundle.card, challenger.card))),
    )
    print(
        _("installed {name} {version} (signed by key {key}); it is now active").format(
            name=package.name, version=package.version, key=package.key
        )
    )
    return EXIT_OK


def _list(store: ModelStore, args: argparse.Namespace, bundle: Bundle) -> int:
    _list_models(store, bundle, args.json)
    return EXIT_OK


def _use(store: ModelStore, args: argparse.Namespace, bundle: Bundle) -> int:
    store.use(args.version, allow_downgrade=args.allow_downgrade)
    print(_("version {version} is now active").format(version=args.version))
    return EXIT_OK


def _rollback(store: ModelStore, args: argparse.Namespace, bundle: Bundle) -> int:
    previous = store.rollback()
    if previous:
        print(_("rolled back to {version}").format(version=previous))
    else:
        print(_("rolled back to the shipped model {model}").format(model=_shipped_version()))
    return EXIT_OK


def _verify(store: ModelStore, args: argparse.Namespace, bundle: Bundle) -> int:
    if args.package is not None:
        package, _challenger = store.examine(args.package)
    elif store.active_version is not None:
        package = store.verify(store.active_version)
    else:
        print(_("the shipped model {model} is active; it is verified by its hashes").format(model=_shipped_version()))
        return EXIT_OK
    print(
        _("ok: {name} {version}, signed by trusted key {key}, every file intact").format(
            name=package.name, version=package.version, key=package.key
        )
    )
    return EXIT_OK


_SUBCOMMANDS: dict[str, Callable[[ModelStore, argparse.Namespace, Bundle], int]] = {
    "install": _install,
    "list": _list,
    "use": _use,
    "rollback": _rollback,
    "verify": _verify,
}


def _model(args: argparse.Namespace, bundle: Bundle) -> int:
    """``model SUBCOMMAND``: a refused install is a bad input, a package that fails its signature a bad bundle."""
    from app.core.model_store import InstallRefused, ModelStore
    from app.core.signing import SignatureError

    store = ModelStore()
    try:
        return _SUBCOMMANDS[args.model_command](store, args, bundle)
    except InstallRefused as error:
        hint = f"; {error.hint.text()}" if error.hint is not None else ""
        print(f"error: {shown(error)}{hint}", file=sys.stderr)
        return EXIT_INPUT
    except (SignatureError, BundleError) as error:
        print(f"error: {shown(error)}", file=sys.stderr)
        return EXIT_BUNDLE


def _list_models(store: ModelStore, bundle: Bundle, as_json: bool) -> None:
    """The shipped model and the installed versions; the one running marked, and why when it is not the newest."""
    from app.core.bundle import read_card

    shipped = read_card(store.shipped)
    running = bundle.directory.name if bundle.origin == "installed" else None
    older = [v for v in store.versions() if bundle.card.name == shipped.name and _older(v, shipped.version)]
    if as_json:
        rows = [{"version": v, "active": v == store.active_version} for v in store.versions()]
        print(
            json.dumps(
                {
                    "shipped": f"{shipped.name} {shipped.version}",
                    "active": store.active_version,
                    "installed": rows,
                    "running": {"origin": bundle.origin, "version": bundle.card.version},
                    "warning": bundle.warning.english() if bundle.warning is not None else None,
                },
                indent=1,
            )
        )
        return
    marker = _("   (active)") if bundle.origin == "shipped" else ""
    print(_("  shipped {model}").format(model=f"{shipped.name} {shipped.version}") + marker)
    for version in store.versions():
        note = ""
        if version in older and version != running:
            note = "   " + _("(older than the shipped {version}: not used)").format(version=shipped.version)
        print(f"{'*' if version == running else ' '} {version}{note}")
    if bundle.warning is not None:
        print("warning: " + bundle.warning.text())


def _older(version: str, than: str) -> bool:
    from app.core.model_store import version_key

    return version_key(version) < version_key(than)


def _shipped_version() -> str:
    """The shipped bundle's model and version."""
    from app.core.bundle import read_card
    from app.core.model_store import ModelStore

    card = read_card(ModelStore().shipped)
    return f"{card.name} {card.version}"
