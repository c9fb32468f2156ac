"""The web service subscribers reach: one-click unsubscribe."""
