# SPDX-License-Identifier: Apache-2.0
from django.urls import path

from . import views

urlpatterns = [
    path("login/", views.login),
    path("login-form/", views.login_form),
    path("api/orders/", views.orders),
    path("debug/settings/", views.debug_settings),
    path("pay/", views.pay),
    path("webhook/", views.webhook),
    path("plain/", views.plain),
]
