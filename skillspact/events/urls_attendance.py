"""Tickets and check-in, attendance, feedback, certificates, calendars and data deletion."""

from django.urls import path

from skillspact.events import views_attendance as views

urlpatterns = [
    path(
        "events/registrations/<uuid:public_id>/ticket/",
        views.ticket,
        name="ticket",
    ),
    path(
        "events/registrations/<uuid:public_id>/calendar.ics",
        views.registration_calendar,
        name="registration_calendar",
    ),
    path(
        "events/registrations/<uuid:public_id>/certificate.pdf",
        views.certificate,
        name="certificate",
    ),
    path(
        "events/registrations/<uuid:public_id>/delete-data/",
        views.delete_data,
        name="delete_data",
    ),
    path("events/<slug:slug>/check-in/", views.check_in, name="check_in"),
    path(
        "events/<slug:slug>/check-in/<str:token>/",
        views.check_in_ticket,
        name="check_in_ticket",
    ),
    path("events/<slug:slug>/attendance/", views.attendance_list, name="attendance"),
    path("events/<slug:slug>/feedback/", views.feedback, name="feedback"),
    path(
        "events/<slug:slug>/feedback/results/",
        views.feedback_results,
        name="feedback_results",
    ),
    path("calendar/", views.calendar_subscription, name="calendar"),
    path("calendar/reset/", views.calendar_reset, name="calendar_reset"),
    path("calendar/<str:token>.ics", views.calendar_feed, name="calendar_feed"),
]
