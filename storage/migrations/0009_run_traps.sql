-- Runs: links a run did not follow because they were crawl traps (endless calendars, looping paths, query
-- explosions, pagination without new articles: scrapy_project/traps.py).
ALTER TABLE crawl_runs ADD COLUMN pages_trapped integer NOT NULL DEFAULT 0;

-- A run stopped by a signal (Ctrl-C, SIGTERM from a supervisor) is neither finished nor failed.
ALTER TABLE crawl_runs DROP CONSTRAINT crawl_runs_status_check;
ALTER TABLE crawl_runs ADD CONSTRAINT crawl_runs_status_check
    CHECK (status IN ('running', 'finished', 'failed', 'interrupted'));

-- Same columns as before, the new one last (CREATE OR REPLACE VIEW may only add columns at the end).
CREATE OR REPLACE VIEW api.crawl_runs AS
SELECT r.id AS run_id, s.name AS source, r.trigger, r.status, r.finish_reason, r.processes,
       r.started_at, r.finished_at, r.heartbeat_at, r.pages_seen, r.pages_new, r.pages_changed,
       r.pages_unchanged, r.pages_skipped, r.pages_failed, r.pages_trapped
FROM crawl_runs r
JOIN sources s ON s.id = r.source_id;
