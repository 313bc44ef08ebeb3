"""Scrapy settings, filled from the one settings module (deploy.settings)."""

from deploy.settings import Settings

BOT_NAME = "newsarchive"
SPIDER_MODULES = ["scrapy_project.spiders"]
ROBOTSTXT_OBEY = True
# The same robots.txt body gives the spider the site's Sitemap lines (scrapy_project/robots.py).
ROBOTSTXT_PARSER = "scrapy_project.robots.SitemapAwareRobotParser"

DOWNLOAD_TIMEOUT = 30
RETRY_TIMES = 2
# Blocking uploads, broker sends and state lookups run in Twisted's thread pool. More threads only fight
# over the GIL: 16 threads and CONCURRENT_ITEMS 100 cost 16.8 ms of crawler CPU per page, 8 and 16
# cost 15.4 ms (docs/benchmarks.md).
REACTOR_THREADPOOL_MAXSIZE = 8
# Scrapy starts this many tasks for the output of every response; an article page gives one item and a
# few links, and 100 (the default) cost ~1 ms of CPU per page for nothing.
CONCURRENT_ITEMS = 16
# Politeness: AutoThrottle adapts each host's delay to its latency; it starts gently.
AUTOTHROTTLE_START_DELAY = 0.5
AUTOTHROTTLE_MAX_DELAY = 30.0

ITEM_PIPELINES = {
    "scrapy_project.pipelines.archive.ArchivePipeline": 100,
    "scrapy_project.pipelines.announce.AnnouncePipeline": 200,
    "scrapy_project.pipelines.state.CrawlStatePipeline": 300,
}
DOWNLOADER_MIDDLEWARES = {
    # Right after the offsite check (50), before robots.txt (100) is fetched for a host.
    "scrapy_project.address_guard.AddressGuardMiddleware": 60,
    # Sees a gzip response just before Scrapy's HttpCompressionMiddleware (590) would decode it.
    "scrapy_project.encoding_check.GzipCheckMiddleware": 595,
    # Late in the chain: after robots.txt and offsite checks, first to see a 304.
    "scrapy_project.middlewares.IncrementalMiddleware": 950,
}
SPIDER_MIDDLEWARES = {
    # Close to the spider: judges the links a page yields before Scrapy's depth limit (900) counts them.
    "scrapy_project.traps.TrapMiddleware": 950,
}
EXTENSIONS = {"scrapy_project.extensions.CrawlRunExtension": 500}
TELNETCONSOLE_ENABLED = False
# Scrapy 2.19 starts a remote-control HTTP server in every crawl, and it runs code sent to it: off unless
# CRAWL_REMOTE_CONTROL asks for it.
REMOTE_CONTROL_ENABLED = False


def from_app_settings(s: Settings) -> dict[str, object]:
    """The Scrapy settings that come from the environment, from an explicit Settings (the demo and the
    tests pass their own)."""
    return {
        "S3_ENDPOINT": s.s3_endpoint,
        "S3_ACCESS_KEY": s.s3_access_key,
        "S3_SECRET_KEY": s.s3_secret_key,
        "S3_BUCKET": s.s3_bucket,
        "S3_REGION": s.s3_region,
        "REDIS_URL": s.redis_url,
        "DATABASE_URL": s.database_url,
        "USER_AGENT": s.crawl_user_agent,
        "CONCURRENT_REQUESTS": s.crawl_concurrency,
        "CONCURRENT_REQUESTS_PER_DOMAIN": s.crawl_host_concurrency,
        "AUTOTHROTTLE_ENABLED": s.crawl_autothrottle_target > 0,
        "AUTOTHROTTLE_TARGET_CONCURRENCY": s.crawl_autothrottle_target or 1.0,
        "FRONTIER_IDLE_SECONDS": s.frontier_idle_seconds,
        "CRAWL_OUTAGE_MAX_SECONDS": s.crawl_outage_max_seconds,
        "ANNOUNCE_BATCH": s.crawl_announce_batch,
        "CRAWL_HEARTBEAT_SECONDS": s.crawl_heartbeat_seconds,
        "DEPTH_LIMIT": s.crawl_max_depth,
        "CLOSESPIDER_PAGECOUNT": s.crawl_max_pages,
        "CLOSESPIDER_TIMEOUT": s.crawl_max_minutes * 60,
        "DOWNLOAD_MAXSIZE": s.max_page_bytes,
        "LOG_LEVEL": s.log_level,
        "REMOTE_CONTROL_ENABLED": s.crawl_remote_control,
    }


globals().update(from_app_settings(Settings.from_env()))
