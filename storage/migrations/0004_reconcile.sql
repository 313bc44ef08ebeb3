-- Reconciliation: when a page was last sent back to the queue because it had no record.
ALTER TABLE crawl_pages ADD COLUMN requeued_at timestamptz;
CREATE INDEX article_versions_raw_key_idx ON article_versions (raw_key);
CREATE INDEX article_views_raw_key_idx ON article_views (raw_key);
CREATE INDEX failures_raw_key_idx ON failures (raw_key);
