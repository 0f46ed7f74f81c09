"""`python -m app`: until the desktop window lands, prints the bundled model's summary."""

from __future__ import annotations

import sys

from app.core.bundle import BundleError, load_bundle


def main() -> int:
    """Verify the bundled model and print what it is."""
    try:
        bundle = load_bundle()
    except BundleError as error:
        print(f"error: {error}", file=sys.stderr)
        return 3
    card = bundle.card
    test = card.raw["metrics"]["test"]
    print(f"{card.display_name} {card.version} ({card.raw['model']['algorithm']})")
    print(f"predicts {card.target.column} = {card.target.positive_label} at threshold {card.threshold:.2f}")
    print(f"test ROC AUC {test['roc_auc']:.4f}, Brier {test['brier']:.4f}, F1 {test['f1']:.4f}")
    print(f"data sha256 {card.raw['provenance']['data_sha256']}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
