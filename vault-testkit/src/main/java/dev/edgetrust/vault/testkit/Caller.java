package dev.edgetrust.vault.testkit;

/** Who is asking: the token and what its policies allow, and its identity entity if it has one. */
record Caller(TokenStore.Token token, Acl acl, Identity.Entity entity) {}
