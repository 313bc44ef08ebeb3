-- Exact duplicates: the same normalized content (title + body hash) under several URLs, e.g. a wire story
-- republished as is, or one article at two addresses the site does not canonicalize. Each later copy
-- points at the first one archived; computed when read, so it is never stale.
CREATE INDEX articles_content_hash_idx ON articles (content_hash, id);

-- Views only gain columns at the end (docs/sql.md).
CREATE OR REPLACE VIEW api.articles AS
SELECT a.id AS article_id, s.name AS source, a.url, a.title, a.body, a.language,
       a.published_at, a.modified_at, a.rubric, a.authors, a.tags, a.views,
       a.photo_credits, a.cited_sources, a.dateline_place, a.dateline_agency, a.agency,
       a.fetched_at, a.normalized_at, a.raw_key, a.content_hash, a.extractor_version, a.search,
       (SELECT min(d.id) FROM articles d WHERE d.content_hash = a.content_hash AND d.id < a.id) AS duplicate_of
FROM articles a
LEFT JOIN sources s ON s.id = a.source_id;
