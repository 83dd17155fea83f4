"""The self-check page (`selfeval serve`): a submitter uploads a report and reads, in Chinese,
what the district's checks will say of it, before sending it. Nothing is kept or sent.

    upload.py  the multipart body read in memory, bounded
    run.py     read → check with the intake's own functions (in the app's worker process)
    page.py    the HTML
    app.py     the FastAPI app (`create_app`)

It sits beside the command line, above the intake (ADR 0011): it calls `intake.read_upload`
and `intake.check`, and nothing calls it but `selfeval.commands.serve`.
"""
