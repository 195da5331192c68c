"""The improvement routes of this package under one router, mounted by `api.api`."""

from ninja import Router

from coachmap.improvement.endpoints import files, framework, goals, needs, techmap

router = Router()
router.add_router("", goals.router)
router.add_router("", techmap.router)
router.add_router("", needs.router)
router.add_router("", framework.router)
router.add_router("", files.router)
