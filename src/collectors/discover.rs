//! Finding local servers when Logstag is started with no arguments (SKELETON).
