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
    person (id) {
        id -> BigInt,
        username -> Text,
        display_name -> Text,
        summary -> Text,
        ap_id -> Text,
        local -> Bool,
        public_key -> Nullable<Text>,
        private_key -> Nullable<Text>,
        created_at -> Timestamp,
        updated_at -> Timestamp,
    }
}

diesel::table! {
    local_user (id) {
        id -> BigInt,
        person_id -> BigInt,
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

diesel::joinable!(local_user -> person (person_id));
diesel::joinable!(session -> local_user (local_user_id));
diesel::joinable!(invite -> local_user (created_by));

diesel::allow_tables_to_appear_in_same_query!(site, local_name, person, local_user, session, invite);
