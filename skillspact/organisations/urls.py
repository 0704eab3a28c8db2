from django.urls import path

from skillspact.organisations import views

app_name = "organisations"

urlpatterns = [
    path("members/", views.directory, name="directory"),
    path("members/<slug:slug>/", views.organisation_detail, name="detail"),
    path("members/<slug:slug>/manage/", views.organisation_manage, name="manage"),
    path("members/<slug:slug>/leave/", views.organisation_leave, name="leave"),
    path("members/<slug:slug>/audit/", views.organisation_audit, name="audit"),
    path("regions/", views.region_options, name="regions"),
    path("invitations/<uuid:public_id>/", views.invitation_accept, name="invitation_accept"),
    path("invitations/<uuid:public_id>/revoke/", views.invitation_revoke, name="invitation_revoke"),
    path(
        "affiliations/<uuid:public_id>/remove/", views.affiliation_remove, name="affiliation_remove"
    ),
    path("join/", views.application_list, name="application_list"),
    path("join/new/", views.application_create, name="application_create"),
    path("join/<uuid:public_id>/", views.application_detail, name="application_detail"),
    path("join/<uuid:public_id>/edit/", views.application_edit, name="application_edit"),
    path(
        "join/<uuid:public_id>/withdraw/", views.application_withdraw, name="application_withdraw"
    ),
    path("secretariat/applications/", views.review_queue, name="review_queue"),
    path("secretariat/applications/<uuid:public_id>/", views.review_detail, name="review_detail"),
    path("secretariat/members/", views.members_admin, name="members_admin"),
    path("working-groups/", views.working_groups, name="working_groups"),
    path("working-groups/<slug:slug>/", views.working_group_detail, name="working_group"),
    path("documents/<uuid:public_id>/", views.working_group_document, name="document"),
]
