use super::*;

#[test]
fn no_key_is_bound_twice_in_one_context() {
    for (i, a) in BINDINGS.iter().enumerate() {
        for b in &BINDINGS[i + 1..] {
            assert!(
                !(a.context == b.context && a.key == b.key),
                "{:?} bound twice in {:?}",
                a.key.label(),
                a.context
            );
        }
    }
}

#[test]
fn shifted_characters_resolve_without_shift() {
    let event = KeyEvent::new(KeyCode::Char('G'), KeyModifiers::SHIFT);
    assert_eq!(resolve(&[Table, List, Global], event), Some(Action::Bottom));
    let event = KeyEvent::new(KeyCode::BackTab, KeyModifiers::SHIFT);
    assert_eq!(resolve(&[Global], event), Some(Action::PrevTab));
}

#[test]
fn filter_input_swallows_command_letters_but_not_ctrl_c() {
    let q = KeyEvent::new(KeyCode::Char('q'), KeyModifiers::NONE);
    assert_eq!(resolve(&[Filter, Global], q), Some(Action::FilterInput('q')));
    let ctrl_c = KeyEvent::new(KeyCode::Char('c'), KeyModifiers::CONTROL);
    assert_eq!(resolve(&[Filter, Global], ctrl_c), Some(Action::Quit));
}

#[test]
fn jump_prompt_takes_letters_as_the_name_and_f_opens_it_everywhere() {
    let f = KeyEvent::new(KeyCode::Char('f'), KeyModifiers::NONE);
    assert_eq!(resolve(&[Overview, List, Global], f), Some(Action::StartJump));
    assert_eq!(resolve(&[Table, List, Global], f), Some(Action::StartJump));
    assert_eq!(resolve(&[Jump], f), Some(Action::JumpInput('f')));
    let q = KeyEvent::new(KeyCode::Char('q'), KeyModifiers::NONE);
    assert_eq!(resolve(&[Jump], q), Some(Action::JumpInput('q')));
    let enter = KeyEvent::new(KeyCode::Enter, KeyModifiers::NONE);
    assert_eq!(resolve(&[Jump], enter), Some(Action::JumpAccept));
}

/// Keys of the time travel (and those reserved for it) stay free of fleet keys.
#[test]
fn fleet_keys_leave_time_travel_keys_alone() {
    let fleet = [Action::StartJump, Action::ToggleTargetOrder, Action::CycleGrouping];
    for b in BINDINGS.iter().filter(|b| fleet.contains(&b.action)) {
        let reserved = [ch('t'), ch('p'), ch(' '), ch('L'), key(KeyCode::Left), key(KeyCode::Right)];
        assert!(!reserved.contains(&b.key), "{} is reserved", b.key.label());
        assert!(b.key.modifiers.is_empty(), "{}", b.key.label());
    }
}

#[test]
fn ctrl_c_quits_in_every_context() {
    let ctrl_c = KeyEvent::new(KeyCode::Char('c'), KeyModifiers::CONTROL);
    for ctx in [
        Activity,
        ActivityWithoutTree,
        List,
        Table,
        Help,
        Detail,
        SessionDetail,
        Alerts,
        AlertDetail,
        AlertPopup,
        HistoryView,
        Schema,
        SlowLog,
        Statements,
        Keyspace,
        Overview,
        Jump,
    ] {
        assert_eq!(resolve(&[ctx, Global], ctrl_c), Some(Action::Quit), "{ctx:?}");
    }
}
