# plugins: see DESIGN.md
