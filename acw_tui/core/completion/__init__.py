"""Ghost-text completion learned from the team's own finished notes (SPEC §15).

Pure Python: word n-grams with counts (`CompletionModel`), the words of a note as the
model sees them (`words`), and the simulated agent that measures how many keys a note
costs with the guide and completion (`effort`). Storage lives in `acw_tui.store`.
"""

from acw_tui.core.completion.model import CompletionModel, NgramCounts, Suggestion
from acw_tui.core.completion.words import note_ngrams, word_runs

__all__ = ["CompletionModel", "NgramCounts", "Suggestion", "note_ngrams", "word_runs"]
