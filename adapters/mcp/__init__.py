"""The task tools over the Model Context Protocol (stdio), for desktop agents and IDEs."""

from adapters.mcp.server import TaskToolServer, serve_stdio

__all__ = ["TaskToolServer", "serve_stdio"]
