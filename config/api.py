"""The JSON API at /api/v1/: each domain adds its router; openapi.json is its committed schema."""

from ninja import NinjaAPI

from skillspact.commitments.api import router as commitments_router
from skillspact.commitments.api_kpis import router as kpis_router
from skillspact.consultations.api import router as consultations_router
from skillspact.core.api import install_error_handlers
from skillspact.core.api import router as core_router
from skillspact.credentials.api import router as credentials_router
from skillspact.events.api import router as events_router
from skillspact.intelligence.api import router as intelligence_router
from skillspact.organisations.api import router as organisations_router
from skillspact.pathways.api import router as pathways_router
from skillspact.taxonomy.api import router as taxonomy_router
from skillspact.training.api import router as training_router
from skillspact.training.api_enrolments import router as enrolments_router

api = NinjaAPI(
    title="skillspact API",
    version="1",
    description=(
        "The platform of a Large-scale Skills Partnership of the EU Pact for Skills. "
        "Authenticate with a personal token (`Authorization: Bearer <token>`) created on your "
        'profile page. Errors are `{"error": {"code", "message", "fields"}}`.'
    ),
    urls_namespace="api",
)
install_error_handlers(api)
api.add_router("/", core_router)
api.add_router("/", organisations_router)
api.add_router("/", taxonomy_router)
api.add_router("/", commitments_router)
api.add_router("/", kpis_router)
api.add_router("/", consultations_router)
api.add_router("/", events_router)
api.add_router("/", training_router)
api.add_router("/", credentials_router)
api.add_router("/", enrolments_router)
api.add_router("/", pathways_router)
api.add_router("/", intelligence_router)
