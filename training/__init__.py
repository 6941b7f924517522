"""Training, tuning and calibration: offline tools that write the learned files the
answering code reads (through qa.learned). Run on the SQuAD training file only,
except calibration and tuning, which use part A of the dev file.

    python -m training.ranker        sentence and span weights
    python -m training.reader        our span reader (train, export, check)
    python -m training.tune_reader   how reader and ranker combine
    python -m training.calibrate     the confidence fits and refusal thresholds
"""
