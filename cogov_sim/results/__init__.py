"""Results and I/O: writing a run's folder, the event log's file, figures, maps and the
small statistics the tables use. Depends on the model core only."""
