"""Clinic Desk: practice management for group practices."""

__version__ = "0.1.0"
APP_NAME = "Clinic Desk"
