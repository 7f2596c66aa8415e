"""The commune file (TOML): a town's catalogue, read into the domain with every error located."""

from adapters.commune_file.reader import CommuneFile, read_commune_file

__all__ = ["CommuneFile", "read_commune_file"]
