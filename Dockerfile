# One image for every app service in docker-compose.yml (web, worker, migrate).
FROM python:3.11-slim-bookworm

# One BLAS thread before anything imports numpy: fair timings, and OpenBLAS
# keeps working under the sandbox's RLIMIT_NPROC (docs/architecture.md, "The sandbox").
ENV PYTHONUNBUFFERED=1 \
    PIP_DISABLE_PIP_VERSION_CHECK=1 \
    OPENBLAS_NUM_THREADS=1 \
    OMP_NUM_THREADS=1 \
    MKL_NUM_THREADS=1

# libseccomp2: the sandbox loads its seccomp filter through it (pyseccomp is a
# ctypes binding). Nothing else: every Python dependency ships a wheel.
RUN apt-get update \
    && apt-get install -y --no-install-recommends libseccomp2 \
    && rm -rf /var/lib/apt/lists/*

# The web and migrate services run as this user. The worker runs as root (see
# docker-compose.yml) so the sandbox can drop each learner process to a uid of
# its own (GRADER_SANDBOX_UID_BASE + slot, 64000 and up): RLIMIT_NPROC counts
# per uid and is ignored for root.
RUN groupadd --system --gid 10001 app \
    && useradd --system --uid 10001 --gid app --no-create-home --home-dir /nonexistent --shell /usr/sbin/nologin app

WORKDIR /app

COPY requirements.txt ./
RUN pip install --no-cache-dir -r requirements.txt

COPY . .

# Byte-compile the app (the app user may not write /app; challenge packs are
# read as text, so they are left out), and collect static files for whitenoise:
# hashed names and a manifest, which DJANGO_DEBUG=false uses. Only this step
# gets a secret key, and a throwaway one: the real one comes at run time. The
# memory:// broker keeps the default filesystem broker's folders out of the image.
# Then /app belongs to root and the app group only: a learner's uid is neither,
# so the packs' solutions and tests stay unreadable to it even on a kernel
# without Landlock.
RUN python -m compileall -q -x '/challenges/library/' . \
    && DJANGO_DEBUG=false DJANGO_SECRET_KEY=collectstatic-at-build-time-only CELERY_BROKER_URL=memory:// \
       python manage.py collectstatic --noinput \
    && chown -R root:app /app \
    && chmod -R u=rwX,g=rX,o= /app

USER app
EXPOSE 8000
CMD ["gunicorn", "config.wsgi:application", "--bind", "0.0.0.0:8000", "--worker-tmp-dir", "/dev/shm", "--no-control-socket", "--access-logfile", "-"]
