"""The instrument and the people: questionnaires, codebooks, normalisers, segmentation."""
