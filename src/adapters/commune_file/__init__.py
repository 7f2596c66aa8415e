"""The commune file (TOML): a town's catalogue, read into the domain with every error located."""

from adapters.commune_file.reader import read_commune_file

__all__ = ["read_commune_file"]
