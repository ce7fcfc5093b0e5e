"""The phases of one day, each a bulk update over numpy arrays.

One module per phase of the ODD's process overview; each exposes one function
that takes the model. They are called in order by ``CoGovModel.step``.
"""
