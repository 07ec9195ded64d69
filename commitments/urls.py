from django.urls import path

from . import views

app_name = "commitments"

urlpatterns = [
    path("", views.plan_list, name="plan-list"),
    path("plans/<slug:code>/", views.plan_detail, name="plan-detail"),
    path("plans/<slug:plan>/lines/<str:code>/", views.line_detail, name="line-detail"),
]
