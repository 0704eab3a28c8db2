"""URLs of the answering pages: short links under /s/ (in the intelligence namespace)."""

from django.urls import path

from skillspact.intelligence import views_respond

urlpatterns = [
    path("s/occupations/", views_respond.respond_occupations, name="respond_occupations"),
    path("s/i/<str:token>/", views_respond.respond_invitation, name="respond_invitation"),
    path("s/r/<str:resume_token>/", views_respond.respond_resume, name="respond_resume"),
    path("s/<str:token>/", views_respond.respond_open, name="respond_open"),
]
