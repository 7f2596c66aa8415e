"""Public pages: the home page and the accessibility statement."""

from __future__ import annotations

from flask import Blueprint, render_template

__all__ = ["blueprint"]

blueprint = Blueprint("pages", __name__)


@blueprint.get("/")
def home() -> str:
    """The portal's front door: what it offers and how a family gets an account."""
    return render_template("pages/home.html")


@blueprint.get("/accessibilite")
def accessibility() -> str:
    """The accessibility statement that RGAA requires, linked from every page's footer."""
    return render_template("pages/accessibilite.html")
