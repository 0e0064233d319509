"""Routing data (issue #6). Layer 2: reads the directory (agencies, regions), never reports."""
