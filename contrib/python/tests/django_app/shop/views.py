# SPDX-License-Identifier: Apache-2.0
"""Views that log the way real Django code does, secrets included."""
import logging

from django.conf import settings
from django.http import HttpResponse, JsonResponse
from django.views.decorators.csrf import csrf_exempt

log = logging.getLogger("shop")

# Ordinary lines: they must come out byte for byte.
PLAIN = [
    "order 1042 shipped to 10.0.0.7 in 0.213s",
    "GET /api/orders?page=2 200 512",
    "token refreshed for session 42",
    "password reset e-mail sent to bob@example.org",
    "cache hit ratio 0.97 (Straße, naïve ✓)",
    "request_id=7c9e6679-7425-40de-944b-e07fc1f90ae7 status=ok",
]


@csrf_exempt
def login(request):
    # the request body as it came: a form or JSON, the password inside
    log.info("login attempt from %s body=%s", request.META.get("REMOTE_ADDR"),
             request.body.decode())
    return HttpResponse("ok")


@csrf_exempt
def login_form(request):
    log.info("login form %s", request.POST)
    return HttpResponse("ok")


def orders(request):
    log.info("api call %s %s authorization=%s", request.method, request.path,
             request.headers.get("Authorization"))
    log.info("auth header: %s", {"HTTP_AUTHORIZATION": request.META.get("HTTP_AUTHORIZATION")})
    return JsonResponse({"orders": []})


def debug_settings(request):
    log.warning("database settings: %s", settings.DATABASES)
    log.info("running with SECRET_KEY=%s", settings.SECRET_KEY)
    return HttpResponse("ok")


@csrf_exempt
def pay(request):
    api_key = settings.STRIPE_SECRET_KEY
    amount = int(request.POST.get("amount", "0"))
    if amount > 0:
        # the exception message holds locals(), the e-mail the frame's variables
        raise RuntimeError("payment of %d failed: %r" % (amount, locals()))
    return HttpResponse("nothing to pay")


@csrf_exempt
def webhook(request):
    # a JSON formatter prints extra= fields; the message does not hold them
    log.info("webhook received", extra={"webhook_secret": settings.PAYMENT_WEBHOOK_SECRET,
                                        "order_id": 42})
    return HttpResponse("ok")


def plain(request):
    for line in PLAIN:
        log.info(line)
    return HttpResponse("ok")
