"""The payments' command groups: ``portail payments`` (at the desk) and ``directdebit``."""
