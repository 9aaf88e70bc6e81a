pub mod health_checks;
