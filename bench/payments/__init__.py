"""VNPay IPN throughput benchmark (see README.md)."""
