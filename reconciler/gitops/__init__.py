"""Git-ops: the pipeline steps the shipped CI workflows run, repository scaffolding, fleets."""
