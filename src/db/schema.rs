//! The schema both migration trees produce (a test compares it with each backend).

diesel::table! {
    site (id) {
        id -> BigInt,
        secret -> Text,
        public_key -> Text,
        private_key -> Text,
        created_at -> Timestamp,
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
    }
}

diesel::joinable!(local_user -> actor (actor_id));
diesel::joinable!(actor -> instance (instance_id));
diesel::joinable!(session -> local_user (local_user_id));
diesel::joinable!(invite -> local_user (created_by));

diesel::allow_tables_to_appear_in_same_query!(site, local_name, instance, actor, local_user, session, invite);
