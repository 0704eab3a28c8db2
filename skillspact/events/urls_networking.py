"""One-to-one meetings at networking events: participants' pages and the organisers'."""

from django.urls import path

from skillspact.events import views_networking as views

_BASE = "events/<slug:slug>/networking/"

urlpatterns = [
    path(f"{_BASE}profile/", views.profile_edit, name="networking_profile"),
    path(f"{_BASE}skills/", views.skill_options, name="networking_skill_options"),
    path(f"{_BASE}participants/", views.participants, name="networking_participants"),
    path(
        f"{_BASE}participants/<uuid:public_id>/",
        views.participant_detail,
        name="networking_participant",
    ),
    path(
        f"{_BASE}participants/<uuid:public_id>/request/",
        views.request_send,
        name="networking_request_send",
    ),
    path(f"{_BASE}suggestions/", views.suggestions, name="networking_suggestions"),
    path(f"{_BASE}requests/", views.requests_list, name="networking_requests"),
    path(
        f"{_BASE}requests/<uuid:public_id>/accept/",
        views.request_accept,
        name="networking_request_accept",
    ),
    path(
        f"{_BASE}requests/<uuid:public_id>/decline/",
        views.request_decline,
        name="networking_request_decline",
    ),
    path(
        f"{_BASE}requests/<uuid:public_id>/cancel/",
        views.request_cancel,
        name="networking_request_cancel",
    ),
    path(
        f"{_BASE}requests/<uuid:public_id>/book/",
        views.meeting_book,
        name="networking_book",
    ),
    path(f"{_BASE}availability/", views.availability, name="networking_availability"),
    path(f"{_BASE}agenda/", views.agenda, name="networking_agenda"),
    path(f"{_BASE}agenda.ics", views.agenda_ics, name="networking_agenda_ics"),
    path(
        f"{_BASE}meetings/<uuid:public_id>/rate/",
        views.meeting_rate,
        name="networking_rate",
    ),
    path(f"{_BASE}setup/", views.setup, name="networking_setup"),
    path(
        f"{_BASE}setup/slots/<uuid:public_id>/delete/",
        views.slot_delete,
        name="networking_slot_delete",
    ),
    path(f"{_BASE}scheduler/", views.scheduler_page, name="networking_scheduler"),
    path(
        f"{_BASE}scheduler/runs/<uuid:public_id>/",
        views.run_status,
        name="networking_run_status",
    ),
    path(f"{_BASE}scheduler/publish/", views.agenda_publish, name="networking_publish"),
    path(f"{_BASE}meetings/", views.meetings_list, name="networking_meetings"),
]
