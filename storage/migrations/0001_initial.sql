-- Skeleton schema: sources, one article row per canonical URL, and failures an operator can read.

CREATE TABLE sources (
    id          serial PRIMARY KEY,
    name        text NOT NULL UNIQUE,
    config      jsonb NOT NULL DEFAULT '{}'::jsonb,
    created_at  timestamptz NOT NULL DEFAULT now()
);

CREATE TABLE articles (
    id             bigserial PRIMARY KEY,
    source_id      integer REFERENCES sources (id),
    url            text NOT NULL UNIQUE,          -- canonical URL
    title          text,
    body           text NOT NULL,
    published_at   timestamptz,
    language       text,
    raw_key        text NOT NULL,                 -- object key of the archived raw HTML
    content_hash   text NOT NULL,                 -- sha256 of title + body as normalized
    fetched_at     timestamptz NOT NULL,
    normalized_at  timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX articles_source_published_idx ON articles (source_id, published_at DESC);
CREATE INDEX articles_raw_key_idx ON articles (raw_key);

CREATE TABLE failures (
    id          bigserial PRIMARY KEY,
    url         text NOT NULL,
    stage       text NOT NULL,                    -- fetch | archive | normalize | store
    reason      text NOT NULL,
    raw_key     text,                             -- set when the raw bytes were archived
    source_id   integer REFERENCES sources (id),
    created_at  timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX failures_created_idx ON failures (created_at DESC);
CREATE UNIQUE INDEX failures_once_idx ON failures (url, stage, coalesce(raw_key, ''));
