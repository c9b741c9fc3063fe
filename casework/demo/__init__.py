"""Demo data, demo evidence and the benchmark seeder: fictional, never loaded in production."""
