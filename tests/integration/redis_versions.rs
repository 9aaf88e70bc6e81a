//! The Redis/Valkey server matrix: Redis 7 (Debian's) and Valkey 8 (fetched by
//! `.ci/test-servers.sh`). Each test is a module of one test per server, e.g.
//! `redis_versions::slow_log::valkey8`. TLS stays Redis-only: the Valkey build has no TLS.

/// `servers!(module = path::to::body)`: one test per server calling `body(Server)`.
macro_rules! servers {
    ($module:ident = $body:path) => {
        mod $module {
            use super::*;
            use crate::support::redis::Server;

            #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
            async fn redis7() {
                $body(Server::Redis7).await
            }

            #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
            async fn valkey8() {
                $body(Server::Valkey8).await
            }
        }
    };
}

use crate::{redis_live as live, redis_scheduler_live as scheduler};

servers!(slow_log = live::slow_entries_appear_with_their_command_names_once);
servers!(blocked_client = live::a_client_blocked_in_blpop_shows_as_blocked);
servers!(ops_per_second = live::ops_per_second_is_zero_when_idle_and_counts_real_load);
servers!(password = live::a_password_protected_server_is_read_with_the_configured_password);
servers!(big_key_sampler = live::the_big_key_sampler_finds_the_biggest_key);
servers!(latency_spikes = live::the_worst_latency_spike_since_the_last_read_is_reported);
servers!(product_name = live::the_product_is_named_as_the_server_reports_it);
servers!(narrow_acl = scheduler::a_narrow_acl_degrades_the_target_and_says_what_is_unavailable);
servers!(stop_and_restart = scheduler::a_stopped_server_goes_down_and_comes_back_up);
