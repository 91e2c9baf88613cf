"""Dossiers (hồ sơ): drafts, applicant, attachments, submission with official codes, the process
log, supplement rounds, citizen actions and public lookup."""
