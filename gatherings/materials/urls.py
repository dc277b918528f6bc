"""Material URLs, part of the "gatherings" namespace (included from gatherings/urls.py)."""

from django.urls import path

from . import views

urlpatterns = [
    path("gatherings/<int:pk>/materials/<int:material_pk>/", views.material, name="material"),
    path(
        "gatherings/<int:pk>/agenda/<int:item_pk>/materials/",
        views.item_materials,
        name="item_materials",
    ),
    path(
        "gatherings/<int:pk>/materials/<int:material_pk>/delete/",
        views.material_delete,
        name="material_delete",
    ),
]
