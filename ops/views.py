import logging

from django.db import DatabaseError, connection
from django.http import JsonResponse
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_safe

logger = logging.getLogger("trustmonitor.ops")


@require_safe
@never_cache
def healthz(request):
    """For the load balancer: 200 when the app can query its database, 503
    (with the reason) when it cannot. No login, no session, no cookie; the
    SSL redirect leaves this path alone (SECURE_REDIRECT_EXEMPT) because a
    proxy's health probe comes over plain HTTP."""
    try:
        with connection.cursor() as cursor:
            cursor.execute("SELECT 1")
            cursor.fetchone()
    except DatabaseError as error:
        # The details (host, port, server message) go to the log, not to
        # whoever can reach this unauthenticated URL.
        logger.error(
            "Health check failed: the database did not answer SELECT 1",
            extra={"event": "healthz_failed", "error": f"{type(error).__name__}: {error}"},
        )
        return JsonResponse(
            {
                "status": "error",
                "database": "error",
                "reason": f"database query failed ({type(error).__name__})",
            },
            status=503,
        )
    return JsonResponse({"status": "ok", "database": "ok"})
