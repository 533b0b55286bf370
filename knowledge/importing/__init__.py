"""Bringing a shop's existing help centre in as draft topics, and publishing a draft into the pack.

Readers (markdown, csv_table, html_pages, zendesk) turn a source into ``Article``s; ``drafting``
turns an article, in each language it has, into a draft topic; ``drafts`` keeps drafts in the
content folder and tells what a re-import changed; ``publishing`` makes a draft a live topic.
"""
