"""dockgate: container deployment security, from image contents to admission."""

__version__ = "0.1.0"
