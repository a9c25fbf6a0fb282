"""Root pytest configuration: the embedded-platform fixtures (`infra`, `platform`, ...)."""

pytest_plugins = ["scripts.launcher.pytest_plugin"]
