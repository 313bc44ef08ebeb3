"""Storage: the raw-page archive (S3/MinIO) and the PostgreSQL records. Imports nothing else of ours."""
