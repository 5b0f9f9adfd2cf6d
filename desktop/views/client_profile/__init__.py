"""The client profile window and its tabs, panels and dialogs."""

from .window import ClientProfileWindow

__all__ = ["ClientProfileWindow"]
