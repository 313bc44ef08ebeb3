-- Stories: the same event told by several outlets (workers/stories.py). story_id is the smallest article
-- id of the story; an article with no other article in its story is its own story.
ALTER TABLE articles ADD COLUMN story_id bigint;
CREATE INDEX articles_story_idx ON articles (story_id);

-- Views only gain columns at the end (docs/sql.md).
CREATE OR REPLACE VIEW api.articles AS
SELECT a.id AS article_id, s.name AS source, a.url, a.title, a.body, a.language,
       a.published_at, a.modified_at, a.rubric, a.authors, a.tags, a.views,
       a.photo_credits, a.cited_sources, a.dateline_place, a.dateline_agency, a.agency,
       a.fetched_at, a.normalized_at, a.raw_key, a.content_hash, a.extractor_version, a.search,
       (SELECT min(d.id) FROM articles d WHERE d.content_hash = a.content_hash AND d.id < a.id) AS duplicate_of,
       a.story_id
FROM articles a
LEFT JOIN sources s ON s.id = a.source_id;

-- Stories told by more than one article, with their articles.
CREATE VIEW api.stories AS
SELECT a.story_id,
       count(*) AS articles,
       array_agg(DISTINCT s.name ORDER BY s.name) AS sources,
       min(a.published_at) AS first_published,
       max(a.published_at) AS last_published,
       (array_agg(a.title ORDER BY a.published_at NULLS LAST, a.id))[1] AS first_title,
       array_agg(a.id ORDER BY a.published_at NULLS LAST, a.id) AS article_ids
FROM articles a
JOIN sources s ON s.id = a.source_id
WHERE a.story_id IS NOT NULL
GROUP BY a.story_id
HAVING count(*) > 1;
GRANT SELECT ON api.stories TO newsarchive_reader;
