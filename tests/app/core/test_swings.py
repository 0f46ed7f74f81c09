"""What would move a row most: each feature's most telling alternative value, and the change it makes."""

from __future__ import annotations

import pytest

from app.core.bundle import Bundle, load_bundle
from app.core.explain import reference_values, swings


@pytest.fixture(scope="module")
def bundle() -> Bundle:
    return load_bundle()


def test_each_feature_swings_to_its_most_telling_value(bundle: Bundle) -> None:
    predictor = bundle.predictor
    row = reference_values(bundle.card)
    found = swings(predictor, bundle.card, row)
    sizes = [abs(c.effect) for c in found]
    assert sizes == sorted(sizes, reverse=True)
    assert {c.feature for c in found} == {spec.name for spec in bundle.card.features}
    base = predictor.predict_one(row)
    for contribution in found:
        assert contribution.reference == row[contribution.feature]  # what it swings from
        moved = predictor.predict_one({**row, contribution.feature: contribution.value})
        assert contribution.effect == pytest.approx(moved - base, abs=1e-6)
    assert abs(found[0].effect) > 0.05  # the reference row is not a row nothing moves
    contract = next(c for c in found if c.feature == "contract")
    assert contract.value in bundle.card.feature("contract").categories
    tenure = next(c for c in found if c.feature == "tenure")
    quantiles = bundle.card.feature("tenure").stats["quantiles"]
    assert tenure.value in (quantiles["p05"], quantiles["p95"])
