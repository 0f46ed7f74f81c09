"""Baseline: the plain pandas + joblib scikit-learn script an analyst would write. Usage: IN OUT PIPELINE.joblib"""

import sys

import joblib
import pandas as pd

source, target, model_path = sys.argv[1:4]
frame = pd.read_csv(source)
model = joblib.load(model_path)
features = frame[list(model.feature_names_in_)].copy()
for column in features.columns:
    if not pd.api.types.is_numeric_dtype(features[column]):
        features[column] = features[column].fillna("")  # the pipeline was trained with "" for missing categories
frame["probability"] = model.predict_proba(features)[:, 1]
frame.to_csv(target, index=False)
