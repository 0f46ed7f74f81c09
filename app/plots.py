"""The charts' drawing, in plain matplotlib: the desktop's chart widgets and the HTML report both draw with it.

Every function draws what app.core computed into a matplotlib ``Axes``; none imports Qt or pyplot, so the
headless ``report`` command draws exactly what the window shows (one plotting path, not two that drift apart).
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import TYPE_CHECKING, Any, TypedDict

from app.core.i18n import N_, SOURCE_LANGUAGE, language
from app.core.i18n import Figure as Number
from app.core.i18n import gettext as _

if TYPE_CHECKING:
    from matplotlib.axes import Axes
    from matplotlib.figure import Figure

__all__ = [
    "COLORS",
    "Importance",
    "bin_labels",
    "draw_calibration",
    "draw_decisions",
    "draw_distribution",
    "draw_drift",
    "draw_explanation",
    "draw_group_rates",
    "draw_importances",
    "draw_roc",
    "fitted",
    "new_axes",
    "plain",
]

COLORS = {
    "model": "#1f6fb2",
    "file": "#d9822b",
    "ok": "#4a9d5b",
    "warn": "#e0a800",
    "alert": "#c0392b",
    "unsure": "#9a9a9a",
    "grid": "#dddddd",
}


def new_axes(figure: Figure, title: str) -> Axes:
    """Clear ``figure`` and give it one titled, gridded axes: every chart's frame."""
    figure.clear()
    axes = figure.add_subplot()
    # A title has more room than an axis label: the tick labels beside the plot push it less, legends not at all.
    axes.set_title(fitted(axes, plain(title), "x", 10, share=0.75), fontsize=10)
    axes.grid(True, color=COLORS["grid"], linewidth=0.6)
    if language() != SOURCE_LANGUAGE:  # ticks in the language's form (0,2; 1.000); English keeps matplotlib's
        from matplotlib.ticker import FuncFormatter

        for axis in (axes.xaxis, axes.yaxis):
            axis.set_major_formatter(FuncFormatter(lambda value, _position: _decimal(value)))
    return axes


def fitted(axes: Axes, text: str, which: str = "x", fontsize: float = 9, share: float = 0.55) -> str:
    """``text`` wrapped onto lines no longer than the plot area can be (across a narrow figure, or up a short one).

    A label is centred on the plot area, which tick labels push aside (the features' names on the left), so the
    room is about half the figure (``share``), not all of it."""
    import textwrap

    figure = axes.get_figure(root=True)
    assert figure is not None  # an axes is always drawn in a figure here
    width, height = figure.get_size_inches()
    room = (width if which == "x" else height) * 72 * share  # points
    characters = max(12, int(room / (fontsize * 0.55)))  # an average character is about 0.55 em wide
    return textwrap.fill(text, characters, break_long_words=False)


def _set_labels(axes: Axes, xlabel: str = "", ylabel: str = "", fontsize: float = 9) -> None:
    """Axis labels wrapped to fit the figure, in every language."""
    if xlabel:
        axes.set_xlabel(fitted(axes, xlabel, "x", fontsize), fontsize=fontsize)
    if ylabel:
        axes.set_ylabel(fitted(axes, ylabel, "y", fontsize), fontsize=fontsize)


def _shortened(text: str, limit: int = 30) -> str:
    """A tick label no longer than ``limit`` characters (an ellipsis marks the cut)."""
    return text if len(text) <= limit else text[: limit - 1].rstrip() + "…"


def _decimal(value: float) -> str:
    """A number with the digits it has (0.25, 1,000), in the current language's form (0,25; 1.000)."""
    from babel.numbers import format_decimal

    return format_decimal(value, locale=language())


def plain(text: object) -> str:
    """Text shown as written: a file's value holding two dollar signs is not taken for mathtext."""
    return str(text).replace("$", r"\$")


def draw_roc(axes: Axes, curves: Sequence[Mapping[str, Any]]) -> None:
    """ROC curves with their AUC, the core's band where given, and the operating point at the threshold."""
    axes.plot([0, 1], [0, 1], color="#999999", linestyle=":", linewidth=1)
    for curve in curves:
        name = plain(curve["name"])
        label = f"{name} (AUC {Number(curve['auc'], 3).local()})" if curve.get("auc") is not None else name
        band = curve.get("band")
        if band is not None:  # the core's RocBand: where the curve stays across resamples
            axes.fill_between(
                band.fpr,
                band.low,
                band.high,
                color=curve["color"],
                alpha=0.18,
                linewidth=0,
                label=_("{curve}: {level} band").format(curve=name, level=Number(band.level, 0, share=True).local()),
            )
        axes.plot(curve["fpr"], curve["tpr"], color=curve["color"], label=label, linewidth=1.6)
        if curve.get("point"):
            axes.plot(*curve["point"], marker="o", color=curve["color"], markersize=7)
    _set_labels(axes, _("false-positive rate"), _("true-positive rate"))
    axes.set_xlim(0, 1)
    axes.set_ylim(0, 1.02)
    axes.legend(loc="lower right", fontsize=8)


def draw_calibration(axes: Axes, curves: Sequence[Mapping[str, Any]]) -> None:
    """Predicted probability against the observed positive rate."""
    axes.plot([0, 1], [0, 1], color="#999999", linestyle=":", linewidth=1, label=_("perfect"))
    for curve in curves:
        axes.plot(
            curve["mean_predicted"],
            curve["observed_rate"],
            marker="o",
            color=curve["color"],
            label=plain(curve["name"]),
        )
    _set_labels(axes, _("mean predicted probability"), _("observed positive rate"))
    axes.set_xlim(0, 1)
    axes.set_ylim(0, 1)
    axes.legend(loc="upper left", fontsize=8)


def draw_decisions(axes: Axes, curves: Sequence[Mapping[str, Any]], threshold: float) -> None:
    """Value of acting across thresholds, with each curve's best threshold and the current one."""
    for curve in curves:
        best = curve["best"]
        # The best threshold goes into the legend beside its curve's name: the curves' best points are often a
        # few hundredths apart, where labels written beside the stars would cover each other.
        label = _("{curve} (best {threshold})").format(curve=plain(curve["name"]), threshold=Number(best[0], 2).local())
        axes.plot(curve["thresholds"], curve["values"], color=curve["color"], label=label, linewidth=1.6)
        axes.plot([best[0]], [best[1]], marker="*", markersize=12, color=curve["color"])
    axes.axvline(
        threshold,
        color="#555555",
        linestyle="--",
        linewidth=1,
        label=_("threshold {threshold}").format(threshold=Number(threshold, 2).local()),
    )
    axes.axhline(0, color="#999999", linewidth=0.8)
    _set_labels(axes, _("threshold"), _("value of acting per 1,000 rows"))
    axes.legend(loc="best", fontsize=8)


def draw_drift(axes: Axes, drift: Mapping[str, Mapping[str, Any]], warn: float, alert: float) -> None:
    """PSI per feature as bars, with the warn and alert bands; grey and hatched where the file is too small."""
    names = list(drift)
    values = [drift[n]["psi"] for n in names]
    statuses = [drift[n]["status"] for n in names]
    colors = [COLORS.get(status, COLORS["unsure"]) for status in statuses]
    top = max([alert * 1.4, *values]) if values else alert * 1.4
    axes.axvspan(warn, alert, color=COLORS["warn"], alpha=0.12, label=_("warn ≥ {psi}").format(psi=_decimal(warn)))
    axes.axvspan(alert, top, color=COLORS["alert"], alpha=0.10, label=_("alert ≥ {psi}").format(psi=_decimal(alert)))
    bars = axes.barh(range(len(names)), values, color=colors)
    unsure = [bar for bar, status in zip(bars, statuses, strict=True) if status not in COLORS]
    for bar in unsure:
        bar.set_hatch("//")
    if unsure:
        unsure[0].set_label(_("too few rows to tell"))
    labels = [f"{plain(n)}  (p {_p_text(drift[n].get('p_value'))})" for n in names]
    axes.set_yticks(range(len(names)), labels, fontsize=7)
    axes.invert_yaxis()
    axes.set_xlim(0, top)
    _set_labels(axes, _("PSI  (p: chi-square, Benjamini-Hochberg adjusted)"), fontsize=8)
    axes.legend(loc="lower right", fontsize=8)


def _p_text(p_value: float | None) -> str:
    """A p-value short enough for an axis label."""
    if p_value is None:
        return _("n/a")
    return f"< {Number(0.001, 3).local()}" if p_value < 0.001 else Number(p_value, 3).local()


_RATE_NAMES = {"tpr": N_("TPR"), "fpr": N_("FPR")}


def draw_group_rates(axes: Axes, slices: Mapping[str, Mapping[str, Any]]) -> None:
    """TPR and FPR per group of each sensitive attribute, with their intervals as error bars."""
    names: list[str] = []
    for metric, color, offset in (("tpr", COLORS["model"], -0.15), ("fpr", COLORS["file"], 0.15)):
        positions, values, below, above = [], [], [], []
        row = 0
        for attribute, found in slices.items():
            for group, rates in found["groups"].items():
                if metric == "tpr":
                    names.append(plain(f"{attribute}={group}"))
                interval = rates.get("ci", {}).get(metric)
                if rates[metric] is not None:
                    positions.append(row + offset)
                    values.append(rates[metric])
                    below.append(rates[metric] - interval[0] if interval else 0.0)
                    above.append(interval[1] - rates[metric] if interval else 0.0)
                row += 1
        axes.errorbar(
            values, positions, xerr=[below, above], fmt="o", color=color, capsize=3, label=_(_RATE_NAMES[metric])
        )
    axes.set_yticks(range(len(names)), names, fontsize=7)
    axes.invert_yaxis()
    axes.set_xlim(0, 1)
    _set_labels(axes, _("rate (bars: 95% interval)"))
    axes.legend(fontsize=8, loc="upper left")


def draw_distribution(axes: Axes, labels: Sequence[str], training: Sequence[float], current: Sequence[float]) -> None:
    """One feature's training and current distributions, bin by bin."""
    positions = range(len(labels))
    axes.bar([p - 0.2 for p in positions], training, width=0.4, color=COLORS["model"], label=_("training"))
    axes.bar([p + 0.2 for p in positions], current, width=0.4, color=COLORS["file"], label=_("this file"))
    axes.set_xticks(list(positions), [plain(label) for label in labels], rotation=45, ha="right", fontsize=7)
    _set_labels(axes, ylabel=_("share of rows"))
    axes.legend(fontsize=8)


def bin_labels(reference: Mapping[str, Any]) -> list[str]:
    """Readable labels for a drift reference's bins (a card feature's ``reference``), in the order of its counts."""
    from app.core.drift import MISSING_BIN  # not at import: the core pulls in pandas, start-up does not need it

    if reference["kind"] == "categorical":
        return list(reference["bins"])
    edges = [f"{e:g}" for e in reference["edges"]]
    if not edges:
        return ["all", MISSING_BIN]
    labels = [f"≤ {edges[0]}"] + [f"{a}–{b}" for a, b in zip(edges, edges[1:], strict=False)] + [f"> {edges[-1]}"]
    return [*labels, MISSING_BIN]


class Importance(TypedDict):
    """One entry of the card's ``importances`` section."""

    feature: str
    mean: float
    std: float


def draw_importances(axes: Axes, importances: Sequence[Importance], top: int = 12) -> None:
    """The card's permutation importances: how much test ROC AUC drops when a feature is shuffled."""
    rows = list(importances)[:top]
    axes.barh(range(len(rows)), [r["mean"] for r in rows], xerr=[r["std"] for r in rows], color="#7f8c8d")
    axes.set_yticks(range(len(rows)), [plain(r["feature"]) for r in rows], fontsize=7)
    axes.invert_yaxis()
    _set_labels(axes, _("drop in test ROC AUC when shuffled (all rows)"))


def draw_explanation(axes: Axes, names: Sequence[str], effects: Sequence[float], xlabel: str = "") -> None:
    """Features that pushed a probability up (red) or down (blue)."""
    from matplotlib.ticker import MaxNLocator

    colors = ["#c0392b" if e > 0 else "#1f6fb2" for e in effects]
    axes.barh(range(len(names)), effects, color=colors)
    # "feature = value" can be as long as a file's cell: cut it, so the bars keep the room (the table has it whole).
    axes.set_yticks(range(len(names)), [plain(_shortened(name)) for name in names], fontsize=7)
    axes.invert_yaxis()
    axes.axvline(0, color="#555555", linewidth=0.8)
    # A floor on the scale, so rounding noise at the reference values does not fill the chart.
    reach = max([0.05, *(abs(e) * 1.1 for e in effects)])
    axes.set_xlim(-reach, reach)
    # Five ticks at most: a narrow chart has no room for more labels like "-0.15" side by side.
    axes.xaxis.set_major_locator(MaxNLocator(nbins=4, symmetric=True))
    axes.tick_params(axis="x", labelsize=8)
    # The feature names take half the width: the title and the axis label centre on the whole figure, not on the
    # narrow plot beside them, and wrap to it (else a Spanish title ran off the right edge).
    figure = axes.get_figure(root=True)
    assert figure is not None  # an axes is always drawn in a figure here
    title = axes.get_title().replace("\n", " ")
    axes.set_title("")
    figure.suptitle(fitted(axes, title, "x", 10, share=0.9), fontsize=10)
    label = xlabel or _("change in probability against the training reference")
    figure.supxlabel(fitted(axes, label, "x", 8, share=0.9), fontsize=8)
