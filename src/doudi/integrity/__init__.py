"""Integrity: reports (举报) with a receipt and supervised handling, and 小金库 special-governance campaigns."""
