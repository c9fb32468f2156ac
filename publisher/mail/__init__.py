"""Mail: message building, transports and the send ledger."""
