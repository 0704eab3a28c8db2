"""API plumbing: authentication by personal token or session, typed errors, the health check."""

from typing import Any

from django.core.exceptions import PermissionDenied
from django.db import connection
from django.http import Http404, HttpRequest, HttpResponse
from django.utils.translation import gettext as _
from ninja import NinjaAPI, Router, Schema, Status
from ninja.errors import AuthenticationError, HttpError
from ninja.errors import ValidationError as NinjaValidationError
from ninja.security import HttpBearer, SessionAuth

from skillspact.accounts import services as account_services
from skillspact.core.errors import DomainError, InvalidInput


class TokenAuth(HttpBearer):
    """`Authorization: Bearer spk_...` with a personal token from the profile page."""

    def authenticate(self, request: HttpRequest, token: str) -> Any:
        user = account_services.api_token_authenticate(token)
        if user is not None:
            request.user = user
        return user


# Either a personal token or the browser's session (which also checks CSRF on writes).
AUTH = [TokenAuth(), SessionAuth()]


class ErrorDetail(Schema):
    code: str
    message: str
    fields: dict[str, list[str]] = {}


class ErrorOut(Schema):
    error: ErrorDetail


def error_body(
    code: str, message: str, fields: dict[str, list[str]] | None = None
) -> dict[str, Any]:
    return {"error": {"code": code, "message": message, "fields": fields or {}}}


def _field_name(location: list[Any]) -> str:
    """`["body", "payload", "body"]` → `"body"`: the source and the schema parameter go, the
    field's own path stays, even when a field is itself called `body`."""
    parts = [str(part) for part in location]
    if parts and parts[0] in {"body", "query", "path"}:
        parts = parts[1:]
    if parts and parts[0] in {"payload", "filters"}:
        parts = parts[1:]
    return ".".join(parts) or "__all__"


def install_error_handlers(api: NinjaAPI) -> None:
    """Every error leaves the API as `{"error": {"code", "message", "fields"}}`."""

    @api.exception_handler(DomainError)
    def domain_error(request: HttpRequest, exc: DomainError) -> HttpResponse:
        fields = (
            exc.fields
            if isinstance(exc, InvalidInput)
            else ({exc.field: [exc.message]} if exc.field else {})
        )
        return api.create_response(
            request, error_body(exc.code, exc.message, fields), status=exc.status
        )

    @api.exception_handler(NinjaValidationError)
    def validation_error(request: HttpRequest, exc: NinjaValidationError) -> HttpResponse:
        fields: dict[str, list[str]] = {}
        for problem in exc.errors:
            fields.setdefault(_field_name(list(problem.get("loc", []))), []).append(
                str(problem.get("msg", ""))
            )
        if "__all__" in fields and any(
            "JSON" in message or "json" in message for message in fields["__all__"]
        ):
            message = _("The request body is not valid JSON.")
        else:
            message = _("Some of the data is not valid: %(fields)s.") % {
                "fields": ", ".join(sorted(fields))
            }
        return api.create_response(
            request, error_body("invalid_input", message, fields), status=422
        )

    @api.exception_handler(AuthenticationError)
    def auth_error(request: HttpRequest, exc: AuthenticationError) -> HttpResponse:
        return api.create_response(
            request,
            error_body(
                "not_authenticated",
                _("Sign in, or send a personal API token as “Authorization: Bearer <token>”."),
            ),
            status=401,
        )

    @api.exception_handler(PermissionDenied)
    def permission_denied(request: HttpRequest, exc: PermissionDenied) -> HttpResponse:
        return api.create_response(
            request, error_body("not_permitted", _("You are not allowed to do this.")), status=403
        )

    @api.exception_handler(Http404)
    def not_found(request: HttpRequest, exc: Http404) -> HttpResponse:
        return api.create_response(request, error_body("not_found", _("Not found.")), status=404)

    @api.exception_handler(HttpError)
    def http_error(request: HttpRequest, exc: HttpError) -> HttpResponse:
        code = "bad_request" if exc.status_code == 400 else f"http_{exc.status_code}"
        message = str(exc)
        if exc.status_code == 400 and "parse" in message.lower():
            message = _("The request body is not valid JSON.")
        return api.create_response(request, error_body(code, message), status=exc.status_code)


router = Router(tags=["platform"])


class HealthOut(Schema):
    status: str
    database: str
    tasks: str
    task_backend: str


@router.get("/health", response={200: HealthOut, 503: HealthOut}, auth=None, summary="Health check")
def health(request: HttpRequest) -> Status:
    """The state of the database and of the task queue."""
    from django_tasks import task_backends

    backend = task_backends["default"]
    result = {"database": "ok", "tasks": "ok", "task_backend": type(backend).__name__}
    try:
        with connection.cursor() as cursor:
            cursor.execute("SELECT 1")
    except Exception:  # noqa: BLE001 - any failure means the database is unusable
        result["database"] = "unavailable"
    try:
        _check_tasks(backend)
    except Exception:  # noqa: BLE001
        result["tasks"] = "unavailable"
    healthy = result["database"] == "ok" and result["tasks"] == "ok"
    return Status(200 if healthy else 503, {"status": "ok" if healthy else "degraded", **result})


def _check_tasks(backend: Any) -> None:
    name = type(backend).__name__
    if name == "RQBackend":
        import django_rq

        django_rq.get_connection("default").ping()
    elif name == "DatabaseBackend":
        from django_tasks_db.models import DBTaskResult

        DBTaskResult.objects.exists()
