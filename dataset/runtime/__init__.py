"""How a build runs: engines, spill files, the per-document cache, stage timing, freed memory."""
