"""Notifications, the one place every app tells a person something: in the app (the notifications
page and the unread count in the header) and by email as the person prefers (`services`, `delivery`)."""
