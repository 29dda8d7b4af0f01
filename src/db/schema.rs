//! The schema both migration trees produce (a test compares it with each backend).

diesel::table! {
    site (id) {
        id -> BigInt,
        secret -> Text,
        public_key -> Text,
        private_key -> Text,
        created_at -> Timestamp,
        vapid_private_key -> Nullable<Text>,
    }
}

diesel::table! {
    local_name (name) {
        name -> Text,
        kind -> Text,
        created_at -> Timestamp,
    }
}

diesel::table! {
    instance (id) {
        id -> BigInt,
        domain -> Text,
        software -> Nullable<Text>,
        version -> Nullable<Text>,
        created_at -> Timestamp,
        updated_at -> Timestamp,
        severity -> Text,
        reject_media -> Bool,
        reject_reports -> Bool,
        public_comment -> Text,
        private_comment -> Text,
        obfuscate -> Bool,
        allowed -> Bool,
        policy_updated_at -> Nullable<Timestamp>,
    }
}

diesel::table! {
    site_setting (name) {
        name -> Text,
        value -> Text,
        updated_by -> Nullable<BigInt>,
        updated_at -> Timestamp,
    }
}

diesel::table! {
    remote_actor_block (actor_id) {
        actor_id -> BigInt,
        comment -> Text,
        created_by -> Nullable<BigInt>,
        created_at -> Timestamp,
    }
}

diesel::table! {
    actor (id) {
        id -> BigInt,
        ap_id -> Text,
        kind -> Text,
        username -> Text,
        name_key -> Text,
        domain -> Text,
        display_name -> Text,
        summary -> Text,
        url -> Nullable<Text>,
        icon_url -> Nullable<Text>,
        inbox_url -> Text,
        shared_inbox_url -> Nullable<Text>,
        outbox_url -> Nullable<Text>,
        followers_url -> Nullable<Text>,
        public_key -> Nullable<Text>,
        private_key -> Nullable<Text>,
        manually_approves_followers -> Bool,
        discoverable -> Bool,
        local -> Bool,
        deleted -> Bool,
        instance_id -> Nullable<BigInt>,
        published -> Timestamp,
        updated_at -> Timestamp,
        last_fetched_at -> Nullable<Timestamp>,
        image_url -> Nullable<Text>,
        place_id -> Nullable<BigInt>,
        silenced_at -> Nullable<Timestamp>,
        suspended_at -> Nullable<Timestamp>,
        verified_at -> Nullable<Timestamp>,
        verified_by -> Nullable<BigInt>,
    }
}

diesel::table! {
    place (id) {
        id -> BigInt,
        name -> Text,
        street_address -> Text,
        postal_code -> Text,
        locality -> Text,
        latitude -> Nullable<Double>,
        longitude -> Nullable<Double>,
        created_at -> Timestamp,
        updated_at -> Timestamp,
    }
}

diesel::table! {
    local_user (id) {
        id -> BigInt,
        actor_id -> BigInt,
        email -> Text,
        password_hash -> Text,
        role -> Text,
        status -> Text,
        language -> Nullable<Text>,
        registration_reason -> Nullable<Text>,
        invite_id -> Nullable<BigInt>,
        created_at -> Timestamp,
        updated_at -> Timestamp,
        last_login_at -> Nullable<Timestamp>,
        email_confirmed_at -> Nullable<Timestamp>,
        home_neighbourhood_id -> Nullable<BigInt>,
    }
}

diesel::table! {
    session (id) {
        id -> BigInt,
        token_hash -> Text,
        local_user_id -> BigInt,
        user_agent -> Text,
        created_at -> Timestamp,
        expires_at -> Timestamp,
    }
}

diesel::table! {
    invite (id) {
        id -> BigInt,
        code -> Text,
        created_by -> BigInt,
        max_uses -> Integer,
        uses -> Integer,
        expires_at -> Nullable<Timestamp>,
        created_at -> Timestamp,
        email -> Nullable<Text>,
        kind -> Text,
        subject -> Nullable<Text>,
        landing -> Nullable<Text>,
        group_id -> Nullable<BigInt>,
    }
}

diesel::joinable!(local_user -> actor (actor_id));
diesel::joinable!(actor -> instance (instance_id));
diesel::joinable!(actor -> place (place_id));
diesel::joinable!(session -> local_user (local_user_id));
diesel::joinable!(invite -> local_user (created_by));

diesel::table! {
    follow (id) {
        id -> BigInt,
        ap_id -> Text,
        follower_id -> BigInt,
        target_id -> BigInt,
        accepted -> Bool,
        created_at -> Timestamp,
    }
}

diesel::table! {
    post (id) {
        id -> BigInt,
        ap_id -> Text,
        author_id -> BigInt,
        kind -> Text,
        name -> Nullable<Text>,
        content -> Text,
        summary -> Nullable<Text>,
        sensitive -> Bool,
        language -> Nullable<Text>,
        in_reply_to -> Nullable<Text>,
        url -> Nullable<Text>,
        visibility -> Text,
        local -> Bool,
        deleted -> Bool,
        published -> Timestamp,
        updated_at -> Nullable<Timestamp>,
        audience_id -> Nullable<BigInt>,
        locked -> Bool,
        pinned_at -> Nullable<Timestamp>,
        source -> Nullable<Text>,
        hidden_at -> Nullable<Timestamp>,
        removed_at -> Nullable<Timestamp>,
    }
}

diesel::table! {
    moderation_action (id) {
        id -> BigInt,
        kind -> Text,
        moderator_id -> Nullable<BigInt>,
        target_actor_id -> Nullable<BigInt>,
        post_id -> Nullable<BigInt>,
        group_id -> Nullable<BigInt>,
        report_id -> Nullable<BigInt>,
        ground -> Text,
        law -> Nullable<Text>,
        facts -> Text,
        ends_at -> Nullable<Timestamp>,
        created_at -> Timestamp,
        reversed_at -> Nullable<Timestamp>,
        reversed_by -> Nullable<BigInt>,
        reversal_reason -> Nullable<Text>,
    }
}

diesel::table! {
    moderation_appeal (id) {
        id -> BigInt,
        action_id -> BigInt,
        appellant_id -> BigInt,
        text -> Text,
        state -> Text,
        answer -> Nullable<Text>,
        decided_by -> Nullable<BigInt>,
        created_at -> Timestamp,
        decided_at -> Nullable<Timestamp>,
    }
}

diesel::table! {
    post_like (id) {
        id -> BigInt,
        ap_id -> Text,
        actor_id -> BigInt,
        post_id -> BigInt,
        created_at -> Timestamp,
    }
}

diesel::table! {
    announce (id) {
        id -> BigInt,
        ap_id -> Text,
        actor_id -> BigInt,
        post_id -> BigInt,
        created_at -> Timestamp,
    }
}

diesel::table! {
    outbox_activity (id) {
        id -> BigInt,
        ap_id -> Text,
        actor_id -> BigInt,
        kind -> Text,
        payload -> Text,
        to_followers -> Bool,
        to_actors -> Text,
        fanned_out -> Bool,
        created_at -> Timestamp,
        group_reach -> Nullable<Text>,
    }
}

diesel::table! {
    delivery (id) {
        id -> BigInt,
        activity_id -> BigInt,
        instance_id -> BigInt,
        inbox_url -> Text,
        attempts -> Integer,
        created_at -> Timestamp,
    }
}

diesel::table! {
    delivery_target (instance_id) {
        instance_id -> BigInt,
        state -> Text,
        next_attempt_at -> Timestamp,
        fail_count -> Integer,
        first_failure_at -> Nullable<Timestamp>,
        last_success_at -> Nullable<Timestamp>,
        lease_owner -> Nullable<Text>,
        lease_until -> Nullable<Timestamp>,
    }
}

diesel::table! {
    received_activity (ap_id) {
        ap_id -> Text,
        received_at -> Timestamp,
    }
}

diesel::table! {
    oauth_app (id) {
        id -> BigInt,
        client_id -> Text,
        client_secret -> Text,
        name -> Text,
        website -> Nullable<Text>,
        redirect_uris -> Text,
        scopes -> Text,
        created_at -> Timestamp,
    }
}

diesel::table! {
    oauth_token (id) {
        id -> BigInt,
        token_hash -> Text,
        app_id -> Nullable<BigInt>,
        local_user_id -> Nullable<BigInt>,
        name -> Text,
        scopes -> Text,
        created_at -> Timestamp,
        last_used_at -> Nullable<Timestamp>,
    }
}

diesel::table! {
    oauth_code (code_hash) {
        code_hash -> Text,
        app_id -> BigInt,
        local_user_id -> BigInt,
        redirect_uri -> Text,
        scopes -> Text,
        code_challenge -> Nullable<Text>,
        expires_at -> Timestamp,
    }
}

diesel::table! {
    media (id) {
        id -> BigInt,
        owner_id -> BigInt,
        post_id -> Nullable<BigInt>,
        purpose -> Text,
        sort_order -> Integer,
        content_type -> Text,
        file_key -> Nullable<Text>,
        width -> Nullable<Integer>,
        height -> Nullable<Integer>,
        size -> BigInt,
        small_key -> Nullable<Text>,
        small_width -> Nullable<Integer>,
        small_height -> Nullable<Integer>,
        small_size -> Nullable<BigInt>,
        description -> Text,
        blurhash -> Nullable<Text>,
        focus -> Nullable<Text>,
        remote_url -> Nullable<Text>,
        created_at -> Timestamp,
    }
}

diesel::table! {
    actor_count (actor_id) {
        actor_id -> BigInt,
        posts -> BigInt,
        all_posts -> BigInt,
        followers -> BigInt,
        following -> BigInt,
    }
}

diesel::joinable!(actor_count -> actor (actor_id));
diesel::joinable!(post -> actor (author_id));
diesel::joinable!(media -> post (post_id));
diesel::joinable!(media -> actor (owner_id));
diesel::joinable!(post_like -> post (post_id));
diesel::joinable!(announce -> post (post_id));
diesel::joinable!(delivery -> outbox_activity (activity_id));
diesel::joinable!(delivery -> instance (instance_id));
diesel::joinable!(oauth_token -> local_user (local_user_id));

diesel::table! {
    notification (id) {
        id -> BigInt,
        recipient_id -> BigInt,
        kind -> Text,
        from_actor_id -> Nullable<BigInt>,
        post_id -> Nullable<BigInt>,
        subject -> Nullable<Text>,
        group_key -> Text,
        channel -> Text,
        created_at -> Timestamp,
    }
}

diesel::table! {
    marker (local_user_id, timeline) {
        local_user_id -> BigInt,
        timeline -> Text,
        last_read_id -> BigInt,
        version -> Integer,
        updated_at -> Timestamp,
    }
}

diesel::table! {
    notification_preference (local_user_id, kind, scope) {
        local_user_id -> BigInt,
        kind -> Text,
        scope -> Text,
        channel -> Text,
    }
}

diesel::table! {
    job (id) {
        id -> BigInt,
        kind -> Text,
        payload -> Text,
        unique_key -> Nullable<Text>,
        run_at -> Timestamp,
        attempts -> Integer,
        last_error -> Nullable<Text>,
        lease_owner -> Nullable<Text>,
        lease_until -> Nullable<Timestamp>,
        failed_at -> Nullable<Timestamp>,
        created_at -> Timestamp,
    }
}

diesel::table! {
    email_token (id) {
        id -> BigInt,
        local_user_id -> BigInt,
        purpose -> Text,
        token_hash -> Text,
        email -> Nullable<Text>,
        expires_at -> Timestamp,
        used_at -> Nullable<Timestamp>,
        created_at -> Timestamp,
    }
}

diesel::table! {
    digest (local_user_id, period) {
        local_user_id -> BigInt,
        period -> Text,
        covered_until -> Timestamp,
    }
}

diesel::joinable!(notification -> post (post_id));
diesel::joinable!(digest -> local_user (local_user_id));
diesel::joinable!(marker -> local_user (local_user_id));
diesel::joinable!(notification_preference -> local_user (local_user_id));
diesel::joinable!(email_token -> local_user (local_user_id));

diesel::table! {
    post_edit (id) {
        id -> BigInt,
        post_id -> BigInt,
        name -> Nullable<Text>,
        content -> Text,
        summary -> Nullable<Text>,
        written_at -> Timestamp,
    }
}

diesel::joinable!(post_edit -> post (post_id));

diesel::table! {
    push_subscription (id) {
        id -> BigInt,
        oauth_token_id -> BigInt,
        actor_id -> BigInt,
        endpoint -> Text,
        p256dh -> Text,
        auth -> Text,
        alerts -> Text,
        policy -> Text,
        token_sealed -> Text,
        created_at -> Timestamp,
        updated_at -> Timestamp,
    }
}

diesel::joinable!(push_subscription -> oauth_token (oauth_token_id));
diesel::joinable!(push_subscription -> actor (actor_id));

diesel::table! {
    group_profile (actor_id) {
        actor_id -> BigInt,
        kind -> Text,
        openness -> Text,
        content -> Text,
        posting -> Text,
        status -> Text,
        neighbourhood_id -> Nullable<BigInt>,
        boundary -> Nullable<Text>,
        code -> Nullable<Text>,
        members_url -> Nullable<Text>,
        created_by -> Nullable<BigInt>,
        created_at -> Timestamp,
        updated_at -> Timestamp,
        org_type -> Nullable<Text>,
    }
}

diesel::table! {
    membership (id) {
        id -> BigInt,
        group_id -> BigInt,
        member_id -> BigInt,
        role -> Text,
        state -> Text,
        ap_id -> Text,
        invited_by -> Nullable<BigInt>,
        message -> Text,
        created_at -> Timestamp,
        updated_at -> Timestamp,
    }
}

diesel::table! {
    actor_block (id) {
        id -> BigInt,
        actor_id -> BigInt,
        target_id -> BigInt,
        ap_id -> Text,
        created_at -> Timestamp,
    }
}

diesel::table! {
    report (id) {
        id -> BigInt,
        subject_kind -> Text,
        post_id -> Nullable<BigInt>,
        actor_id -> Nullable<BigInt>,
        group_id -> Nullable<BigInt>,
        reporter_id -> Nullable<BigInt>,
        contact_email -> Nullable<Text>,
        category -> Text,
        legal_ground -> Nullable<Text>,
        comment -> Text,
        forward -> Bool,
        origin_instance -> Nullable<Text>,
        ap_id -> Nullable<Text>,
        state -> Text,
        assigned_to -> Nullable<BigInt>,
        resolution -> Nullable<Text>,
        resolved_by -> Nullable<BigInt>,
        action_id -> Nullable<BigInt>,
        created_at -> Timestamp,
        updated_at -> Timestamp,
        resolved_at -> Nullable<Timestamp>,
    }
}

diesel::table! {
    actor_mute (id) {
        id -> BigInt,
        actor_id -> BigInt,
        target_id -> BigInt,
        notifications -> Bool,
        expires_at -> Nullable<Timestamp>,
        created_at -> Timestamp,
    }
}

diesel::table! {
    domain_block_personal (id) {
        id -> BigInt,
        actor_id -> BigInt,
        domain -> Text,
        created_at -> Timestamp,
    }
}

diesel::table! {
    hidden_post (id) {
        id -> BigInt,
        actor_id -> BigInt,
        post_id -> BigInt,
        created_at -> Timestamp,
    }
}

diesel::table! {
    report_post (report_id, post_id) {
        report_id -> BigInt,
        post_id -> BigInt,
    }
}

diesel::table! {
    report_note (id) {
        id -> BigInt,
        report_id -> BigInt,
        author_id -> Nullable<BigInt>,
        content -> Text,
        created_at -> Timestamp,
    }
}

diesel::joinable!(domain_block_personal -> actor (actor_id));
diesel::joinable!(hidden_post -> post (post_id));
diesel::joinable!(report_note -> report (report_id));
diesel::joinable!(report_post -> report (report_id));
diesel::joinable!(report_post -> post (post_id));

diesel::table! {
    event (id) {
        id -> BigInt,
        ap_id -> Text,
        actor_id -> Nullable<BigInt>,
        local -> Bool,
        url -> Nullable<Text>,
        organiser_id -> BigInt,
        group_id -> Nullable<BigInt>,
        created_by -> Nullable<BigInt>,
        title -> Text,
        content -> Text,
        source -> Text,
        starts_at -> Timestamp,
        ends_at -> Nullable<Timestamp>,
        timezone -> Text,
        all_day -> Bool,
        place_id -> Nullable<BigInt>,
        online_url -> Nullable<Text>,
        category -> Text,
        image_url -> Nullable<Text>,
        image_alt -> Text,
        capacity -> Nullable<BigInt>,
        join_mode -> Text,
        external_url -> Nullable<Text>,
        status -> Text,
        accessibility -> Text,
        accessibility_note -> Text,
        price -> Text,
        guests_allowed -> Bool,
        participant_count -> BigInt,
        published -> Timestamp,
        updated_at -> Timestamp,
    }
}

diesel::table! {
    event_participant (id) {
        id -> BigInt,
        event_id -> BigInt,
        actor_id -> Nullable<BigInt>,
        guest_name -> Nullable<Text>,
        guest_email -> Nullable<Text>,
        state -> Text,
        message -> Text,
        ap_id -> Nullable<Text>,
        assisted_by -> Nullable<BigInt>,
        created_at -> Timestamp,
        updated_at -> Timestamp,
    }
}

diesel::table! {
    calendar_feed (local_user_id) {
        local_user_id -> BigInt,
        token_hash -> Text,
        created_at -> Timestamp,
    }
}

diesel::joinable!(event -> place (place_id));
diesel::joinable!(event_participant -> event (event_id));

diesel::allow_tables_to_appear_in_same_query!(
    moderation_action,
    moderation_appeal,
    actor_block,
    actor_mute,
    domain_block_personal,
    hidden_post,
    group_profile,
    post_edit,
    membership,
    push_subscription,
    notification,
    marker,
    notification_preference,
    job,
    email_token,
    digest,
    site,
    actor_count,
    local_name,
    instance,
    remote_actor_block,
    site_setting,
    actor,
    local_user,
    session,
    invite,
    follow,
    post,
    post_like,
    announce,
    outbox_activity,
    delivery,
    delivery_target,
    received_activity,
    oauth_app,
    oauth_token,
    oauth_code,
    media,
    place,
    report,
    report_post,
    report_note,
    event,
    event_participant,
    calendar_feed,
);
