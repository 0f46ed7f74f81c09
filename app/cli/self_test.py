"""``self-test``: the bundle, its golden rows, the sample file and (here only) the desktop window."""

from __future__ import annotations

import argparse

from app.cli.exits import EXIT_BUNDLE, EXIT_OK
from app.core.bundle import Bundle
from app.core.i18n import N_, Message
from app.core.i18n import gettext as _


def _self_test(args: argparse.Namespace, bundle: Bundle) -> int:
    from app.core.selftest import run_self_test

    if bundle.warning is not None:
        print("warning: " + bundle.warning.text())
    result = run_self_test(bundle)
    if not args.no_gui:
        try:
            from app.ui.selfcheck import check_main_window

            result.add(Message.of(N_("desktop window")), *check_main_window(bundle))
        except ImportError as error:  # a headless install without Qt
            result.add(
                Message.of(N_("desktop window")),
                False,
                Message.of(N_("Qt is not available: {error}"), error=str(error)),
            )
    for name, ok, detail in result.checks:
        print(f"{'ok  ' if ok else 'FAIL'} {name.text()}: {detail.text()}")
    print(_("self-test passed") if result.passed else _("self-test FAILED"))
    return EXIT_OK if result.passed else EXIT_BUNDLE
