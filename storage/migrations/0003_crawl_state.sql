-- Incremental crawling and what operators see of crawls: crawl runs, the crawler's knowledge of each
-- article URL (validators for conditional requests, the revisit window), and article versions.

CREATE TABLE crawl_runs (
    id               bigserial PRIMARY KEY,
    source_id        integer NOT NULL REFERENCES sources (id),
    trigger          text NOT NULL,                  -- cli | task | beat | demo | bench ...
    status           text NOT NULL DEFAULT 'running' CHECK (status IN ('running', 'finished', 'failed')),
    finish_reason    text,                           -- Scrapy's: finished, shutdown, closespider_timeout ...
    processes        integer NOT NULL DEFAULT 1 CHECK (processes >= 1),  -- crawler processes sharing the run
    processes_done   integer NOT NULL DEFAULT 0,
    started_at       timestamptz NOT NULL DEFAULT now(),
    finished_at      timestamptz,
    pages_seen       integer NOT NULL DEFAULT 0,     -- responses received (listings, feeds, articles)
    pages_new        integer NOT NULL DEFAULT 0,     -- articles archived for the first time
    pages_changed    integer NOT NULL DEFAULT 0,     -- known articles whose body changed
    pages_unchanged  integer NOT NULL DEFAULT 0,     -- 304, or the same body as last time
    pages_skipped    integer NOT NULL DEFAULT 0,     -- not requested: outside the revisit window or too recent
    pages_failed     integer NOT NULL DEFAULT 0      -- fetch or archive failed
);
CREATE INDEX crawl_runs_started_idx ON crawl_runs (started_at DESC);
CREATE INDEX crawl_runs_source_idx ON crawl_runs (source_id, started_at DESC);

-- What the crawler knows of each article URL it archived (canonical request URL).
CREATE TABLE crawl_pages (
    url              text PRIMARY KEY,
    source_id        integer REFERENCES sources (id),
    etag             text,
    last_modified    text,                           -- as the server sent it, echoed in If-Modified-Since
    raw_key          text NOT NULL,                  -- the body archived last
    first_seen_at    timestamptz NOT NULL DEFAULT now(),
    last_fetched_at  timestamptz NOT NULL,           -- last 200 or 304
    last_changed_at  timestamptz NOT NULL,
    last_run_id      bigint REFERENCES crawl_runs (id) ON DELETE SET NULL
);
CREATE INDEX crawl_pages_source_idx ON crawl_pages (source_id, first_seen_at DESC);

-- Each distinct normalized content of an article, with the raw object it came from.
CREATE TABLE article_versions (
    article_id         bigint NOT NULL REFERENCES articles (id) ON DELETE CASCADE,
    content_hash       text NOT NULL,
    raw_key            text NOT NULL,
    fetched_at         timestamptz NOT NULL,
    title              text,
    body               text NOT NULL,
    published_at       timestamptz,
    modified_at        timestamptz,
    extractor_version  text,
    created_at         timestamptz NOT NULL DEFAULT now(),
    PRIMARY KEY (article_id, content_hash)
);

-- The articles already stored are their own first version.
INSERT INTO article_versions (article_id, content_hash, raw_key, fetched_at, title, body, published_at,
                              modified_at, extractor_version)
SELECT id, content_hash, raw_key, fetched_at, title, body, published_at, modified_at, extractor_version
FROM articles;
