"""Back office: officers' queues, the legal workflow actions, notes, deadlines."""
