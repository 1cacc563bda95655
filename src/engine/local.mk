# src/engine (the workflow engine comes with issue 4)
