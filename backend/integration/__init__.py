"""Integration with outside systems: outbound webhooks (outbox relay), the inbound API of the
provincial one-stop system, the National Public Service Portal (DVCQG) sync, the national
population database and VNeID sign-in."""
