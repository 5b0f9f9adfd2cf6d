"""Clinic Desk: practice management for group practices."""

__version__ = "0.1.0"
APP_NAME = "Clinic Desk"
#: the name the desktop knows the app by: the .desktop file's name and StartupWMClass, and both
#: halves of the windows' X11 WM_CLASS (Qt takes them from the program name and app name).
DESKTOP_ID = "clinicdesk"
