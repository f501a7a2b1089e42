"""Tracked CTA links: a short unguessable token per link sent, a redirect that counts clicks."""
