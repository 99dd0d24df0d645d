from django.conf import settings


def service(request):
    return {"service_name": settings.SERVICE_NAME, "support_email": settings.SUPPORT_EMAIL}
