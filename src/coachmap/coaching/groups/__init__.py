"""Group cycles: a coaching cycle for a team or PLC, with shared student-work analysis sessions."""
