"""The demo commune shipped with the portal, loaded by ``portail demo load``."""
