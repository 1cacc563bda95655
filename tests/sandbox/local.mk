# tests/sandbox
