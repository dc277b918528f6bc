# One image for web, worker and beat.
FROM python:3.11-slim-bookworm

ENV PYTHONDONTWRITEBYTECODE=1 \
    PYTHONUNBUFFERED=1 \
    PIP_NO_CACHE_DIR=1 \
    DEBUG=0

WORKDIR /app
RUN useradd --create-home --uid 1000 alumni

COPY pyproject.toml README.md ./
COPY alumni_network ./alumni_network
COPY members ./members
COPY invitations ./invitations
COPY gatherings ./gatherings
RUN pip install .

COPY . .
# collectstatic needs a key to import settings; the real one comes from the environment.
RUN SECRET_KEY=collectstatic-only python manage.py collectstatic --noinput

USER alumni
EXPOSE 8000
CMD ["gunicorn", "alumni_network.wsgi:application", "--bind", "0.0.0.0:8000", "--workers", "3", "--access-logfile", "-"]
