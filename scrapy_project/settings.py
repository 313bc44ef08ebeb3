"""Scrapy settings, filled from the one settings module (deploy.settings)."""

from deploy.settings import Settings

_s = Settings.from_env()

BOT_NAME = "newsarchive"
SPIDER_MODULES = ["scrapy_project.spiders"]
USER_AGENT = _s.crawl_user_agent
ROBOTSTXT_OBEY = True

CONCURRENT_REQUESTS = _s.crawl_concurrency
CONCURRENT_REQUESTS_PER_DOMAIN = _s.crawl_concurrency
DOWNLOAD_TIMEOUT = 30
DOWNLOAD_MAXSIZE = _s.max_page_bytes
RETRY_TIMES = 2
# Blocking uploads and broker sends run in Twisted's thread pool.
REACTOR_THREADPOOL_MAXSIZE = 16

ITEM_PIPELINES = {
    "scrapy_project.pipelines.archive.ArchivePipeline": 100,
    "scrapy_project.pipelines.announce.AnnouncePipeline": 200,
    "scrapy_project.pipelines.state.CrawlStatePipeline": 300,
}
# Late in the chain: after robots.txt and offsite checks, first to see a 304.
DOWNLOADER_MIDDLEWARES = {"scrapy_project.middlewares.IncrementalMiddleware": 950}
EXTENSIONS = {"scrapy_project.extensions.CrawlRunExtension": 500}


def service_settings(s: Settings) -> dict[str, object]:
    """The keys the pipelines read, from an explicit Settings (the demo passes its own)."""
    return {
        "S3_ENDPOINT": s.s3_endpoint,
        "S3_ACCESS_KEY": s.s3_access_key,
        "S3_SECRET_KEY": s.s3_secret_key,
        "S3_BUCKET": s.s3_bucket,
        "S3_REGION": s.s3_region,
        "REDIS_URL": s.redis_url,
        "DATABASE_URL": s.database_url,
    }


globals().update(service_settings(_s))

LOG_LEVEL = _s.log_level
TELNETCONSOLE_ENABLED = False
