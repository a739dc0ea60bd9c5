from django.urls import path

from customers import views

urlpatterns = [
    path("<int:customer_id>", views.customer_detail, name="customer-detail"),
]
