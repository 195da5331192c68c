"""Professional-learning offerings: catalog, sign-up and waitlist, attendance, follow-up coaching."""
