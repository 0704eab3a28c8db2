"""The pathways API."""

from ninja import Router

router = Router(tags=["pathways"])
