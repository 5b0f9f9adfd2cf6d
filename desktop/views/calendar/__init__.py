"""The Calendar screens: the day/week grid, booking, Find Availability and working hours."""

from .booking_dialog import BookingDialog
from .calendar_screen import CalendarScreen
from .find_availability_dialog import FindAvailabilityDialog

__all__ = ["BookingDialog", "CalendarScreen", "FindAvailabilityDialog"]
