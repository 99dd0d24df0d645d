from django.urls import path

from api import views

urlpatterns = [
    path("api/v3/delivery-partners", views.delivery_partners, name="api_delivery_partners"),
    path("api/v3/delivery-partners/<uuid:api_id>", views.delivery_partner, name="api_delivery_partner"),
]
