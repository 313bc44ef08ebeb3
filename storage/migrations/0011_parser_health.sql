-- Parser health (issue 17): what share of the new or changed records of each source carry each field, per
-- UTC day and per crawl run, with the provenance mix and the median body length; a field that falls well
-- below its source's baseline is an alert. Kept up to date incrementally by the beat task
-- newsarchive.parser_health (workers/health.py), which reads only the records written since its last turn.

-- The task reads the records written since a time; `newsarchive status` counts them too.
CREATE INDEX articles_normalized_idx ON articles (normalized_at);

-- Which provenance family a value came from: articles.provenance says `json-ld:datePublished`,
-- `meta:og:title`, `site-rule:.views`, `text-pattern:dmy`, `html:h1 (agrees with meta:og:title)`...
CREATE FUNCTION provenance_kind(via text) RETURNS text
    LANGUAGE sql IMMUTABLE PARALLEL SAFE
    RETURN CASE WHEN via LIKE 'site-rule%' THEN 'site_rule'
                WHEN via LIKE 'json-ld%' THEN 'json_ld'
                WHEN via LIKE 'meta%' OR via LIKE 'microdata%' THEN 'meta'
                WHEN via LIKE 'text-pattern%' THEN 'text_pattern'
                WHEN via LIKE 'html%' THEN 'html'
                ELSE 'other' END;

-- One row per write of an article record (a new record, or an update that changed a value): what it held.
CREATE TABLE health_observations (
    article_id     bigint      NOT NULL REFERENCES articles (id) ON DELETE CASCADE,
    observed_at    timestamptz NOT NULL,                 -- articles.normalized_at of that write
    source_id      integer     NOT NULL REFERENCES sources (id) ON DELETE CASCADE,
    run_id         bigint      REFERENCES crawl_runs (id) ON DELETE SET NULL,  -- the run that fetched the page
    title          boolean     NOT NULL,
    body           boolean     NOT NULL,                 -- at least HEALTH_MIN_BODY_CHARS characters
    body_length    integer     NOT NULL,
    published_at   boolean     NOT NULL,
    views          boolean     NOT NULL,
    photo_credits  boolean     NOT NULL,
    authors        boolean     NOT NULL,
    rubric         boolean     NOT NULL,
    language       boolean     NOT NULL,
    -- Values of those fields by provenance family (provenance_kind).
    via_json_ld       smallint NOT NULL,
    via_meta          smallint NOT NULL,
    via_site_rule     smallint NOT NULL,
    via_text_pattern  smallint NOT NULL,
    via_html          smallint NOT NULL,
    via_other         smallint NOT NULL,
    PRIMARY KEY (article_id, observed_at)
);
CREATE INDEX health_observations_source_idx ON health_observations (source_id, observed_at DESC);
CREATE INDEX health_observations_run_idx ON health_observations (run_id);
CREATE INDEX health_observations_observed_idx ON health_observations (observed_at);

-- Counts per source and UTC day, and per crawl run, of the observations above; recomputed for the days and
-- runs that got new observations.
CREATE TABLE parser_health_days (
    source_id           integer NOT NULL REFERENCES sources (id) ON DELETE CASCADE,
    day                 date    NOT NULL,
    records             integer NOT NULL,
    title               integer NOT NULL,                -- records that have it
    body                integer NOT NULL,
    published_at        integer NOT NULL,
    views               integer NOT NULL,
    photo_credits       integer NOT NULL,
    authors             integer NOT NULL,
    rubric              integer NOT NULL,
    language            integer NOT NULL,
    median_body_length  integer NOT NULL,
    via_json_ld         integer NOT NULL,
    via_meta            integer NOT NULL,
    via_site_rule       integer NOT NULL,
    via_text_pattern    integer NOT NULL,
    via_html            integer NOT NULL,
    via_other           integer NOT NULL,
    updated_at          timestamptz NOT NULL DEFAULT now(),
    PRIMARY KEY (source_id, day)
);

CREATE TABLE parser_health_runs (
    run_id              bigint  PRIMARY KEY REFERENCES crawl_runs (id) ON DELETE CASCADE,
    source_id           integer NOT NULL REFERENCES sources (id) ON DELETE CASCADE,
    records             integer NOT NULL,
    title               integer NOT NULL,
    body                integer NOT NULL,
    published_at        integer NOT NULL,
    views               integer NOT NULL,
    photo_credits       integer NOT NULL,
    authors             integer NOT NULL,
    rubric              integer NOT NULL,
    language            integer NOT NULL,
    median_body_length  integer NOT NULL,
    via_json_ld         integer NOT NULL,
    via_meta            integer NOT NULL,
    via_site_rule       integer NOT NULL,
    via_text_pattern    integer NOT NULL,
    via_html            integer NOT NULL,
    via_other           integer NOT NULL,
    updated_at          timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX parser_health_runs_source_idx ON parser_health_runs (source_id, run_id DESC);

-- A field of a source well below its baseline. Open while cleared_at is null; at most one open per field.
CREATE TABLE parser_alerts (
    id                   bigserial PRIMARY KEY,
    source_id            integer NOT NULL REFERENCES sources (id) ON DELETE CASCADE,
    field                text    NOT NULL,               -- a field of api.articles, or body_length
    before               double precision NOT NULL,      -- baseline: share of records (0-1), or median characters
    now                  double precision NOT NULL,      -- the same over the latest records
    records              integer NOT NULL,               -- latest records the alert judged
    records_affected     integer NOT NULL,               -- of them: without the field, or with a collapsed body
    example_article_ids  bigint[] NOT NULL DEFAULT '{}',
    first_seen_at        timestamptz NOT NULL DEFAULT now(),
    checked_at           timestamptz NOT NULL DEFAULT now(),
    cleared_at           timestamptz
);
CREATE UNIQUE INDEX parser_alerts_open_idx ON parser_alerts (source_id, field) WHERE cleared_at IS NULL;
CREATE INDEX parser_alerts_first_seen_idx ON parser_alerts (first_seen_at DESC);

CREATE VIEW api.parser_health AS
SELECT s.name AS source, h.day, h.records,
       round(h.title::numeric / h.records, 3) AS title_share,
       round(h.body::numeric / h.records, 3) AS body_share,
       round(h.published_at::numeric / h.records, 3) AS published_at_share,
       round(h.views::numeric / h.records, 3) AS views_share,
       round(h.photo_credits::numeric / h.records, 3) AS photo_credits_share,
       round(h.authors::numeric / h.records, 3) AS authors_share,
       round(h.rubric::numeric / h.records, 3) AS rubric_share,
       round(h.language::numeric / h.records, 3) AS language_share,
       h.median_body_length,
       round(h.via_json_ld::numeric / nullif(v.total, 0), 3) AS via_json_ld,
       round(h.via_meta::numeric / nullif(v.total, 0), 3) AS via_meta,
       round(h.via_site_rule::numeric / nullif(v.total, 0), 3) AS via_site_rule,
       round(h.via_text_pattern::numeric / nullif(v.total, 0), 3) AS via_text_pattern,
       round(h.via_html::numeric / nullif(v.total, 0), 3) AS via_html,
       round(h.via_other::numeric / nullif(v.total, 0), 3) AS via_other,
       h.updated_at
FROM parser_health_days h
JOIN sources s ON s.id = h.source_id
CROSS JOIN LATERAL (SELECT h.via_json_ld + h.via_meta + h.via_site_rule + h.via_text_pattern + h.via_html
                           + h.via_other AS total) v;

CREATE VIEW api.parser_health_runs AS
SELECT h.run_id, s.name AS source, r.started_at, h.records,
       round(h.title::numeric / h.records, 3) AS title_share,
       round(h.body::numeric / h.records, 3) AS body_share,
       round(h.published_at::numeric / h.records, 3) AS published_at_share,
       round(h.views::numeric / h.records, 3) AS views_share,
       round(h.photo_credits::numeric / h.records, 3) AS photo_credits_share,
       round(h.authors::numeric / h.records, 3) AS authors_share,
       round(h.rubric::numeric / h.records, 3) AS rubric_share,
       round(h.language::numeric / h.records, 3) AS language_share,
       h.median_body_length,
       round(h.via_json_ld::numeric / nullif(v.total, 0), 3) AS via_json_ld,
       round(h.via_meta::numeric / nullif(v.total, 0), 3) AS via_meta,
       round(h.via_site_rule::numeric / nullif(v.total, 0), 3) AS via_site_rule,
       round(h.via_text_pattern::numeric / nullif(v.total, 0), 3) AS via_text_pattern,
       round(h.via_html::numeric / nullif(v.total, 0), 3) AS via_html,
       round(h.via_other::numeric / nullif(v.total, 0), 3) AS via_other,
       h.updated_at
FROM parser_health_runs h
JOIN sources s ON s.id = h.source_id
JOIN crawl_runs r ON r.id = h.run_id
CROSS JOIN LATERAL (SELECT h.via_json_ld + h.via_meta + h.via_site_rule + h.via_text_pattern + h.via_html
                           + h.via_other AS total) v;

CREATE VIEW api.parser_alerts AS
SELECT a.id AS alert_id, s.name AS source, a.field, a.before, a.now, a.records, a.records_affected,
       a.example_article_ids, a.first_seen_at, a.checked_at, a.cleared_at
FROM parser_alerts a
JOIN sources s ON s.id = a.source_id;

-- Where each value of a record came from, for the people who read a record next to its page (the console).
-- Views only gain columns at the end (docs/sql.md).
CREATE OR REPLACE VIEW api.articles AS
SELECT a.id AS article_id, s.name AS source, a.url, a.title, a.body, a.language,
       a.published_at, a.modified_at, a.rubric, a.authors, a.tags, a.views,
       a.photo_credits, a.cited_sources, a.dateline_place, a.dateline_agency, a.agency,
       a.fetched_at, a.normalized_at, a.raw_key, a.content_hash, a.extractor_version, a.search,
       nullif((SELECT d.id FROM articles d
               WHERE d.content_hash = a.content_hash
               ORDER BY d.url ~* '(/amp(/|$)|[?&]amp(=|&|$)|\.amp(\.html?)?$|/print(/|$)|[?&]print=|^https?://(m|mobile)\.)',
                        d.id
               LIMIT 1), a.id) AS duplicate_of,
       a.story_id,
       a.provenance
FROM articles a
LEFT JOIN sources s ON s.id = a.source_id;

GRANT SELECT ON api.parser_health, api.parser_health_runs, api.parser_alerts, api.articles TO newsarchive_reader;
