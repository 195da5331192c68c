"""placeholder"""

from typing import Any


def run(**kwargs: Any) -> None:
    raise NotImplementedError
