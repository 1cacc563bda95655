# sdk: see DESIGN.md
