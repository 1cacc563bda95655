# src/sandbox: see DESIGN.md
