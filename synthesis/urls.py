from django.urls import path

from synthesis import views

app_name = "synthesis"
urlpatterns = [
    path("playground/", views.playground, name="playground"),
    path("playground/estimate/", views.estimate, name="estimate"),
    path("playground/history/", views.history, name="history"),
    path("jobs/<str:public_id>/status/", views.job_status, name="job_status"),
    path("jobs/<str:public_id>/stream/", views.job_stream, name="job_stream"),
    path("jobs/<str:public_id>/listen/", views.job_listen, name="job_listen"),
    path("jobs/<str:public_id>/audio/", views.job_audio, name="job_audio"),
    path("jobs/<str:public_id>/cancel/", views.job_cancel, name="job_cancel"),
    path("jobs/<str:public_id>/delete/", views.job_delete, name="job_delete"),
    path("ssml/", views.ssml_guide, name="ssml_guide"),
    path("pronunciation/", views.dictionaries, name="dictionaries"),
    path("pronunciation/<str:public_id>/", views.dictionary, name="dictionary"),
    path(
        "pronunciation/<str:public_id>/delete/", views.dictionary_delete, name="dictionary_delete"
    ),
]
