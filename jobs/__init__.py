"""One module per command. Each job is a short top-to-bottom function over a Context."""
