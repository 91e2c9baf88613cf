"""Electronic results: issued documents and the citizen's document store (kho dữ liệu).

The results issue adds rendering, signing and verification; the store already lets a citizen
reuse a document issued to them instead of uploading it again (once-only).
"""
