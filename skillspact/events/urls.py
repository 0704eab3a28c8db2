from django.urls import include, path

from skillspact.events import views

app_name = "events"

urlpatterns = [
    path("events/", views.event_list, name="list"),
    path("events/new/", views.event_create, name="create"),
    path("events/mine/", views.my_events, name="mine"),
    path(
        "events/registrations/<uuid:public_id>/cancel/",
        views.registration_cancel,
        name="registration_cancel",
    ),
    path(
        "events/registrations/<uuid:public_id>/decline/",
        views.registration_decline,
        name="registration_decline",
    ),
    path(
        "events/registrations/<uuid:public_id>/approve/",
        views.registration_approve,
        name="registration_approve",
    ),
    path(
        "events/registrations/<uuid:public_id>/reject/",
        views.registration_reject,
        name="registration_reject",
    ),
    path("events/<slug:slug>/", views.event_detail, name="detail"),
    path("events/<slug:slug>/register/", views.event_register, name="register"),
    path("events/<slug:slug>/edit/", views.event_edit, name="edit"),
    path("events/<slug:slug>/manage/", views.event_manage, name="manage"),
    path("events/<slug:slug>/publish/", views.event_publish, name="publish"),
    path("events/<slug:slug>/cancel/", views.event_cancel, name="cancel"),
    path("events/<slug:slug>/questions/", views.question_edit, name="questions"),
    path("events/<slug:slug>/invitations/", views.invitations_add, name="invitations"),
    path("events/<slug:slug>/sessions/new/", views.session_form, name="session_create"),
    path(
        "events/<slug:slug>/sessions/<uuid:public_id>/edit/",
        views.session_form,
        name="session_edit",
    ),
    path(
        "events/<slug:slug>/sessions/<uuid:public_id>/delete/",
        views.session_delete,
        name="session_delete",
    ),
    path(
        "events/<slug:slug>/sessions/<uuid:public_id>/people/",
        views.session_people,
        name="session_people",
    ),
    path(
        "events/<slug:slug>/sessions/<uuid:public_id>/join/",
        views.session_join,
        name="session_join",
    ),
    path(
        "events/<slug:slug>/sessions/<uuid:public_id>/leave/",
        views.session_leave,
        name="session_leave",
    ),
    path("", include("skillspact.events.urls_attendance")),
    path("", include("skillspact.events.urls_networking")),
]
