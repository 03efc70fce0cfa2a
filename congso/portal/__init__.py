"""The citizen portal: dossier forms, uploads, payment, submission, public tracking, rating."""
