# src/plugin: see DESIGN.md
