"""Generated letters: Chinese PDFs rendered from templates with plain values."""
