-- Among exact copies, the original is the page at the article's own address: an AMP, print or mobile
-- alias (`/amp/`, `?amp`, `.amp.html`, `/print/`, `?print=1`, `m.` / `mobile.` hosts) is a copy of the
-- page at the plain address, whichever was archived first. (An alias with a rel=canonical link is already
-- stored under the canonical URL: it never becomes a row of its own.) Otherwise the first archived wins.
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
       a.story_id
FROM articles a
LEFT JOIN sources s ON s.id = a.source_id;
