"""Best fit: teacher intake and quadrant (`placement`), routing policy (`routing`), coach profiles,
look-fors, and matching rounds (`rounds`) over the pure matcher (`matching/`)."""
