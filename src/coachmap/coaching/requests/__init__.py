"""Teachers' professional goals and their voluntary requests for coaching."""
