"""skillspact: the platform a Large-scale Skills Partnership of the EU Pact for Skills runs on."""
