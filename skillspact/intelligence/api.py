"""The intelligence API."""

from ninja import Router

router = Router(tags=["intelligence"])
