"""The domain core: bundle, card, input preparation, scoring, checks and metrics. No Qt, no scikit-learn."""
