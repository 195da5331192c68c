"""The coach's time log: weekly minutes by category, calendar import (`ics`), time share (`timeshare`)."""
