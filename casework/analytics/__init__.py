"""The legal department's view of its claims (issue 16): figures over the claims summary and the cases, each as
a table (shown, downloaded as CSV and XLSX, drawn as a chart on the page and in the PDF report)."""
