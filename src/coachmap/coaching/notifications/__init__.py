"""Notifications: one place every app tells a person something in the app (`services`), and the page that lists them."""
