from django.urls import path

from skillspact.taxonomy import views

app_name = "taxonomy"

urlpatterns = [
    path("", views.search, name="search"),
    path("match/", views.match, name="match"),
    path("skills/<path:ref>/", views.skill_detail, name="skill"),
    path("occupations/<path:ref>/", views.occupation_detail, name="occupation"),
    path("roles/", views.local_roles, name="local_roles"),
    path("roles/new/", views.local_role_create, name="local_role_create"),
    path("roles/<slug:slug>/", views.local_role_detail, name="local_role"),
    path("roles/<slug:slug>/edit/", views.local_role_edit, name="local_role_edit"),
    path("versions/", views.versions, name="versions"),
    path("versions/<str:code>/default/", views.version_make_default, name="version_default"),
]
