"""Reports rendered from results: JSON, terminal tables, NOTICE, SARIF, audit report.

Functions here return strings or Rich renderables; printing is the CLI's job.
"""
