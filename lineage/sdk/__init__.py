"""The Python SDK: ``lineage.connect()`` and what it gives (runs, the prediction logger). See docs/sdk.md."""
