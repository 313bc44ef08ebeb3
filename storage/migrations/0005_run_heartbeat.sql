-- Crawl runs beat while a crawler process works on them, so a run whose processes were killed can be
-- told from a long one and closed by reconciliation (status failed, reason "abandoned: ...").
ALTER TABLE crawl_runs ADD COLUMN heartbeat_at timestamptz NOT NULL DEFAULT now();
UPDATE crawl_runs SET heartbeat_at = coalesce(finished_at, started_at);
CREATE INDEX crawl_runs_running_idx ON crawl_runs (heartbeat_at) WHERE status = 'running';
