"""Procedure catalogue: agencies, procedures, e-forms, fees, deadlines, the working-day calendar."""
