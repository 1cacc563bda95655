# tests/plugin
