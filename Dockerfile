# syntax=docker/dockerfile:1
# Portail Famille: the portal, its e-mail dispatcher and its periodic jobs, one image.
# `docker compose up` (compose.yaml) runs the demo; docs/operator-guide.md tells how to run a
# town's portal. The entrypoint is the staff's command line: `docker run IMAGE family list`.

# --- build: the pinned dependencies and the portal, in a virtualenv ---------------------------
FROM python:3.11-slim-bookworm AS build
ENV PIP_DISABLE_PIP_VERSION_CHECK=1 PIP_NO_CACHE_DIR=1 PYTHONDONTWRITEBYTECODE=1
RUN python -m venv /opt/portail \
 && /opt/portail/bin/python -m pip install --quiet "pip==25.3"
WORKDIR /src
# The runtime dependencies first (a layer kept while only the code changes), at the versions
# constraints.txt pins, as wheels (nothing to compile); then the portal itself.
COPY pyproject.toml constraints.txt ./
RUN python -c "import tomllib; print(*tomllib.load(open('pyproject.toml', 'rb'))['project']['dependencies'], sep='\n')" \
        > /tmp/requirements.txt \
 && /opt/portail/bin/python -m pip install --quiet --only-binary=:all: \
        --constraint constraints.txt --requirement /tmp/requirements.txt
COPY README.md ./
COPY src ./src
RUN /opt/portail/bin/python -m pip install --quiet --no-deps --constraint constraints.txt . \
 && /opt/portail/bin/python -m pip check

# --- runtime: Python, WeasyPrint's Pango and the fonts, the PostgreSQL client tools ------------
FROM python:3.11-slim-bookworm
RUN apt-get update \
 && apt-get install -y --no-install-recommends \
        libpango-1.0-0 libpangoft2-1.0-0 libharfbuzz-subset0 fonts-dejavu-core \
        postgresql-client \
 && rm -rf /var/lib/apt/lists/* \
 && groupadd --system --gid 10001 portail \
 && useradd --system --uid 10001 --gid portail --home-dir /var/lib/portail \
        --shell /usr/sbin/nologin portail \
 && install -d -o portail -g portail -m 0700 /var/lib/portail
COPY --from=build /opt/portail /opt/portail
ENV PATH=/opt/portail/bin:$PATH \
    PYTHONUNBUFFERED=1 \
    PYTHONDONTWRITEBYTECODE=1 \
    PORTAIL_INSTANCE_PATH=/var/lib/portail
USER portail
WORKDIR /var/lib/portail
# The instance folder: uploaded documents, published règlements (and, with SQLite, the database).
VOLUME ["/var/lib/portail"]
EXPOSE 8000
# GET /sante answers 200 when the database answers and its schema is current (503 otherwise).
# Only the portal serves it: compose.yaml switches the check off for the other services.
HEALTHCHECK --interval=30s --timeout=5s --start-period=30s --retries=3 \
    CMD ["python", "-c", "import urllib.request; urllib.request.urlopen('http://127.0.0.1:8000/sante', timeout=4)"]
ENTRYPOINT ["portail"]
CMD ["serve", "--bind", "0.0.0.0:8000"]
