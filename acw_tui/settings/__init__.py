"""Settings: the config file, the platform folders, and each feature's config section.

Every section is read one way (`config.section`), so a typo in any of them is reported
with the file and key, and nothing else in acw parses config.toml.
"""
