"""Rendering: an issue's email, text part, print and web editions from one theme (``issue``).

Empty on purpose: composing an issue looks up its theme (``render.theme``) without loading
the renderers and their libraries.
"""
