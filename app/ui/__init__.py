"""The PySide6 desktop program: widgets draw what app.core computed."""
