-- For the teams downstream: images as rows, full-text search, and the published interface (schema `api`,
-- views only) with a read-only role. Internal tables may change behind the views; the views change only
-- by adding columns (docs/sql.md).

-- Images of an article, one row each (articles.images keeps the same list as written by the worker).
CREATE TABLE article_images (
    article_id  bigint  NOT NULL REFERENCES articles (id) ON DELETE CASCADE,
    position    integer NOT NULL CHECK (position >= 1),      -- order on the page
    url         text    NOT NULL,
    caption     text,
    credit      text,                                          -- "ТАСС", "Иван Петров / РИА Новости"
    PRIMARY KEY (article_id, position)
);
CREATE INDEX article_images_credit_idx ON article_images (credit) WHERE credit IS NOT NULL;
INSERT INTO article_images (article_id, position, url, caption, credit)
SELECT a.id, i.position::integer, i.image->>'url', nullif(i.image->>'caption', ''), nullif(i.image->>'credit', '')
FROM articles a, jsonb_array_elements(a.images) WITH ORDINALITY AS i (image, position)
WHERE i.image->>'url' IS NOT NULL;

-- Full-text search over title (weight A) and body (B), stemmed for the article's language.
CREATE FUNCTION text_search_config(language text) RETURNS regconfig
    LANGUAGE sql IMMUTABLE PARALLEL SAFE
    RETURN CASE language WHEN 'ru' THEN 'russian'::regconfig
                         WHEN 'en' THEN 'english'::regconfig
                         ELSE 'simple'::regconfig END;
ALTER TABLE articles ADD COLUMN search tsvector GENERATED ALWAYS AS (
    setweight(to_tsvector(text_search_config(language), coalesce(title, '')), 'A')
    || setweight(to_tsvector(text_search_config(language), body), 'B')
) STORED;
CREATE INDEX articles_search_idx ON articles USING gin (search);

-- Crawl runs by source, newest first, are already indexed (0003); failures by source and time:
CREATE INDEX failures_source_created_idx ON failures (source_id, created_at DESC);

CREATE SCHEMA api;

CREATE VIEW api.sources AS
SELECT id AS source_id, name, created_at
FROM sources;

CREATE VIEW api.articles AS
SELECT a.id AS article_id, s.name AS source, a.url, a.title, a.body, a.language,
       a.published_at, a.modified_at, a.rubric, a.authors, a.tags, a.views,
       a.photo_credits, a.cited_sources, a.dateline_place, a.dateline_agency, a.agency,
       a.fetched_at, a.normalized_at, a.raw_key, a.content_hash, a.extractor_version, a.search
FROM articles a
LEFT JOIN sources s ON s.id = a.source_id;

CREATE VIEW api.article_versions AS
SELECT v.article_id, v.content_hash, v.raw_key, v.fetched_at, v.title, v.body, v.published_at,
       v.modified_at, v.extractor_version, v.created_at
FROM article_versions v;

CREATE VIEW api.article_views AS
SELECT article_id, observed_at, views, raw_key
FROM article_views;

CREATE VIEW api.article_images AS
SELECT article_id, position, url, caption, credit
FROM article_images;

CREATE VIEW api.crawl_runs AS
SELECT r.id AS run_id, s.name AS source, r.trigger, r.status, r.finish_reason, r.processes,
       r.started_at, r.finished_at, r.heartbeat_at, r.pages_seen, r.pages_new, r.pages_changed,
       r.pages_unchanged, r.pages_skipped, r.pages_failed
FROM crawl_runs r
JOIN sources s ON s.id = r.source_id;

CREATE VIEW api.failures AS
SELECT f.id AS failure_id, s.name AS source, f.url, f.stage, f.reason, f.raw_key, f.created_at
FROM failures f
LEFT JOIN sources s ON s.id = f.source_id;

-- The read-only role: reads the api schema and nothing else. Logins for people and tools are created
-- by the operator as members of it (docs/sql.md). Roles are per cluster, so it may exist already.
DO $$
BEGIN
    IF NOT EXISTS (SELECT FROM pg_roles WHERE rolname = 'newsarchive_reader') THEN
        CREATE ROLE newsarchive_reader NOLOGIN;
    END IF;
END
$$;
GRANT USAGE ON SCHEMA api TO newsarchive_reader;
GRANT SELECT ON ALL TABLES IN SCHEMA api TO newsarchive_reader;
ALTER DEFAULT PRIVILEGES IN SCHEMA api GRANT SELECT ON TABLES TO newsarchive_reader;
-- PostgreSQL < 15 lets every role create objects in schema public; nobody but the owner should.
REVOKE CREATE ON SCHEMA public FROM PUBLIC;
