# Production image: gunicorn serving Django (web) or a Celery worker (same image, other command).
FROM node:20-bookworm-slim AS assets
WORKDIR /app
COPY package.json package-lock.json .npmrc ./
RUN npm ci --no-audit --no-fund
COPY frontend/ frontend/
RUN npm run build

FROM python:3.11-slim-bookworm
ENV PYTHONDONTWRITEBYTECODE=1 PYTHONUNBUFFERED=1 DJANGO_SETTINGS_MODULE=ecf.settings.production
WORKDIR /app
COPY requirements.lock ./
RUN pip install --no-cache-dir -r requirements.lock
COPY . .
COPY --from=assets /app/static/ static/
# Placeholders: the settings refuse to load without them, and collectstatic connects to nothing.
# tests/core/test_production_static.py runs this step with exactly these variables.
RUN SECRET_KEY=build ALLOWED_HOSTS=build SERVICE_URL=https://build DATABASE_URL=postgres://build/build REDIS_URL=redis://build \
    TRS_API_URL=https://build TRS_API_KEY=build \
    python manage.py collectstatic --no-input \
    && useradd --create-home app
USER app
EXPOSE 8000
# Workers, threads, timeouts: gunicorn.conf.py (docs/decisions/0040).
CMD ["gunicorn", "--config", "gunicorn.conf.py", "ecf.wsgi"]
