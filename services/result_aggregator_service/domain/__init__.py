"""The read model of RAS: the batch view and pure projections of events onto it."""
