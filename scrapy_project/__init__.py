"""Crawling: Scrapy spiders fetch pages; pipelines archive the raw bytes, then announce them to workers."""
