-- Metadata from normalization (views, dates, credits, attribution, provenance) and the views history.

ALTER TABLE articles
    ADD COLUMN modified_at        timestamptz,
    ADD COLUMN views              bigint CHECK (views >= 0),      -- last observed counter
    ADD COLUMN rubric             text,
    ADD COLUMN authors            text[] NOT NULL DEFAULT '{}',
    ADD COLUMN tags               text[] NOT NULL DEFAULT '{}',
    ADD COLUMN photo_credits      text[] NOT NULL DEFAULT '{}',
    ADD COLUMN images             jsonb  NOT NULL DEFAULT '[]',   -- [{url, caption, credit}]
    ADD COLUMN cited_sources      text[] NOT NULL DEFAULT '{}',
    ADD COLUMN dateline_place     text,                           -- МОСКВА (Маркет Репорт) -- => Москва
    ADD COLUMN dateline_agency    text,                           --                          => Маркет Репорт
    ADD COLUMN agency             text,                           -- trailing signature, e.g. MRC
    ADD COLUMN provenance         jsonb  NOT NULL DEFAULT '{}',   -- field -> where its value came from
    ADD COLUMN extractor_version  text;

CREATE INDEX articles_rubric_idx ON articles (rubric, published_at DESC);
CREATE INDEX articles_published_idx ON articles (published_at DESC);

-- One point per fetch of an article: the history of its view counter, not only the last value.
CREATE TABLE article_views (
    article_id   bigint NOT NULL REFERENCES articles (id) ON DELETE CASCADE,
    observed_at  timestamptz NOT NULL,                            -- fetch time of the page
    views        bigint NOT NULL CHECK (views >= 0),
    raw_key      text NOT NULL,
    PRIMARY KEY (article_id, observed_at)
);
