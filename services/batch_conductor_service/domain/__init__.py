"""Pure domain logic of BCS: the phase graph, pipeline resolution, the batch state model."""
