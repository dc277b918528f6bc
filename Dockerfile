# One image for web, worker and beat. The Python packages come from the
# production lock (requirements/production.txt, written by scripts/lock), each
# pinned and hash-checked. psycopg is built against Debian's libpq (psycopg[c]),
# as psycopg advises for production, instead of the binary wheel the quick
# start and the tests use.

# Build stage: a virtual environment in /opt/venv, compiled here so that the
# compiler and headers stay out of the final image.
FROM python:3.11-slim-bookworm AS build

ENV PIP_NO_CACHE_DIR=1 \
    PIP_DISABLE_PIP_VERSION_CHECK=1

# psycopg-c compiles from its sdist: gcc, the C library's headers, and libpq's
# headers with pg_config (libpq-dev). The image has Python's own headers.
RUN apt-get update \
    && apt-get install -y --no-install-recommends gcc libc6-dev libpq-dev \
    && rm -rf /var/lib/apt/lists/*

RUN python -m venv /opt/venv
ENV PATH=/opt/venv/bin:$PATH

WORKDIR /src
# The lock alone first, so that a code change reuses this layer.
COPY requirements/production.txt requirements/production.txt
RUN pip install --require-hashes -r requirements/production.txt

# The project itself; its dependencies are all in the lock above.
COPY pyproject.toml README.md ./
COPY alumni_network ./alumni_network
COPY members ./members
COPY invitations ./invitations
COPY gatherings ./gatherings
RUN pip install --no-deps .


FROM python:3.11-slim-bookworm

ENV PYTHONDONTWRITEBYTECODE=1 \
    PYTHONUNBUFFERED=1 \
    PIP_NO_CACHE_DIR=1 \
    PATH=/opt/venv/bin:$PATH \
    DEBUG=0

# The libpq that psycopg was compiled against.
RUN apt-get update \
    && apt-get install -y --no-install-recommends libpq5 \
    && rm -rf /var/lib/apt/lists/*

WORKDIR /app
RUN useradd --create-home --uid 1000 alumni

COPY --from=build /opt/venv /opt/venv
COPY . .
# collectstatic needs a key to import settings; the real one comes from the environment.
RUN SECRET_KEY=collectstatic-only python manage.py collectstatic --noinput
# Uploaded files (photos; speakers' slides in var/private) are written by the app's
# own user, into the volume docker-compose mounts here.
RUN mkdir -p /app/var/media /app/var/private && chown -R alumni /app/var

USER alumni
EXPOSE 8000
CMD ["gunicorn", "alumni_network.wsgi:application", "--bind", "0.0.0.0:8000", "--workers", "3", "--access-logfile", "-"]
