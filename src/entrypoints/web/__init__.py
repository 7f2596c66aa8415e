"""The families' web portal: a Flask application factory, one blueprint per feature."""

from entrypoints.web.app import create_app

__all__ = ["create_app"]
