"""ScoreDesk: offline scoring of customer files with an embedded, quality-gated model."""

__version__ = "0.1.0"
