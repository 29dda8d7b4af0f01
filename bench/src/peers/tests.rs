use super::*;

#[test]
fn the_highest_nodeinfo_2_is_chosen() {
    let doc = json!({"links": [
        {"rel": "http://nodeinfo.diaspora.software/ns/schema/2.0", "href": "http://b.test/nodeinfo/2.0"},
        {"rel": "http://nodeinfo.diaspora.software/ns/schema/2.1", "href": "http://b.test/nodeinfo/2.1"},
        {"rel": "http://nodeinfo.diaspora.software/ns/schema/1.0", "href": "http://b.test/nodeinfo/1.0"},
        {"rel": "https://www.w3.org/ns/activitystreams#Application", "href": "http://b.test/actor"},
    ]});
    assert_eq!(nodeinfo_href(&doc), Some(("2.1".into(), "http://b.test/nodeinfo/2.1".into())));
    let bovine = json!({"links": [
        {"href": "http://b.test/activitypub/nodeinfo2_0", "rel": "http://nodeinfo.diaspora.software/ns/schema/2.0"},
        {"href": "http://b.test/activitypub/bovine", "rel": "https://www.w3.org/ns/activitystreams#Application"},
    ]});
    assert_eq!(nodeinfo_href(&bovine), Some(("2.0".into(), "http://b.test/activitypub/nodeinfo2_0".into())));
    let only_old = json!({"links": [{"rel": "http://nodeinfo.diaspora.software/ns/schema/1.1", "href": "x"}]});
    assert_eq!(nodeinfo_href(&only_old), None);
    assert_eq!(nodeinfo_href(&json!({})), None);
}

#[test]
fn the_first_outbox_page_is_found() {
    let buurt =
        json!({"type": "OrderedCollection", "first": "http://a.test/u/anna/outbox?page=true", "orderedItems": [1, 2]});
    assert_eq!(outbox_page(&buurt), Some(OutboxPage::First("http://a.test/u/anna/outbox?page=true".into())));
    let embedded = json!({"first": {"id": "http://a.test/outbox?p=1", "orderedItems": []}});
    assert_eq!(outbox_page(&embedded), Some(OutboxPage::First("http://a.test/outbox?p=1".into())));
    let inline = json!({"type": "OrderedCollection", "totalItems": 3, "orderedItems": [1, 2, 3]});
    assert_eq!(outbox_page(&inline), Some(OutboxPage::Inline(3)));
    assert_eq!(outbox_page(&json!({"items": []})), Some(OutboxPage::Inline(0)));
    assert_eq!(outbox_page(&json!({"type": "OrderedCollection"})), None);
    assert_eq!(items_in(&json!({"type": "OrderedCollectionPage", "orderedItems": [1]})), Some(1));
}

#[test]
fn parent_pid_from_proc_stat() {
    assert_eq!(parse_ppid("4242 (node (x) y) S 17 4242 4242 0 -1"), Some(17));
    assert_eq!(parse_ppid("4242 (python) S"), None);
    assert_eq!(parse_ppid("garbage"), None);
}

#[test]
fn the_mix_per_ten_and_distinct_likes() {
    let posts: Vec<String> = (0..30).map(|i| format!("http://b.test/p/{i}")).collect();
    let actor = "http://r00001.bench.test:1/users/a1";
    let target = "http://b.test/users/peer";
    let all: Vec<Value> = (0..100).map(|j| activity(actor, 1, j, "t", target, "@peer@b.test", &posts)).collect();
    let of = |t: &str| all.iter().filter(|a| a["type"] == t).count();
    assert_eq!((of("Create"), of("Like"), of("Follow")), (50, 30, 20));
    let mut liked: Vec<&str> =
        all.iter().filter(|a| a["type"] == "Like").filter_map(|a| a["object"].as_str()).collect();
    liked.sort();
    liked.dedup();
    assert_eq!(liked.len(), 30, "30 Likes of 30 distinct posts");
    let mut ids: Vec<&str> = all.iter().filter_map(|a| a["id"].as_str()).collect();
    ids.sort();
    ids.dedup();
    assert_eq!(ids.len(), 100, "every activity has its own id");
    let create = &all[0];
    assert_eq!(create["cc"][0], target);
    assert_eq!(create["object"]["tag"][0]["href"], target);
    assert!(all.iter().all(|a| a["actor"] == actor));
    assert!(all.iter().filter(|a| a["type"] == "Follow").all(|a| a["object"] == target));
}
