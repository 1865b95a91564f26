"""todobot core: the conversation turn, task tools and the agent protocol.

The core imports no platform, database or model library; adapters and stores depend on it.
"""

__version__ = "0.1.0"
