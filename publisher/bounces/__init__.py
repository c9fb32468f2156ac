"""Bounces and complaints: reading the reports that come back, and what they suppress."""
