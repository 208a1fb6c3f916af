"""Write-path stages: pure functions from records to records (see README.md in this folder)."""
