"""The annual Summit progress report (section 6.3 of the plan): content, then DOCX, HTML and XLSX."""
