def territories_load_if_empty() -> int:
    return 0
