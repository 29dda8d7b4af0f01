-- Local actors of a kind (the home page's member count, groups and map) found without reading
-- every remote actor.
CREATE INDEX actor_local_kind_idx ON actor (local, kind, id);

-- Counts of each actor's posts and follows, kept by triggers in the same transaction as the
-- rows they count, so that profiles, the outbox, the client API and NodeInfo read one row
-- instead of counting every post or follow (see BENCHMARKS.md, growth). A row exists once an
-- actor has had a counted post or follow; no row reads as zeros.
CREATE TABLE actor_count (
    actor_id BIGINT PRIMARY KEY REFERENCES actor (id) ON DELETE CASCADE,
    -- not deleted, public or unlisted: what profiles, the outbox and statuses_count show
    posts BIGINT NOT NULL,
    -- not deleted, any visibility: NodeInfo's local posts
    all_posts BIGINT NOT NULL,
    -- accepted follows of this actor, and by it
    followers BIGINT NOT NULL,
    following BIGINT NOT NULL
);

INSERT INTO actor_count (actor_id, posts, all_posts, followers, following)
SELECT id,
    (SELECT COUNT(*) FROM post p WHERE p.author_id = actor.id AND NOT p.deleted AND p.visibility IN ('public', 'unlisted')),
    (SELECT COUNT(*) FROM post p WHERE p.author_id = actor.id AND NOT p.deleted),
    (SELECT COUNT(*) FROM follow f WHERE f.target_id = actor.id AND f.accepted),
    (SELECT COUNT(*) FROM follow f WHERE f.follower_id = actor.id AND f.accepted)
FROM actor
WHERE EXISTS (SELECT 1 FROM post p WHERE p.author_id = actor.id)
    OR EXISTS (SELECT 1 FROM follow f WHERE f.target_id = actor.id OR f.follower_id = actor.id);

-- Posts: additions through an upsert (the row may not exist yet), removals through an update
-- (a row being removed was counted, so its actor's row exists; an actor being deleted has none).
CREATE TRIGGER post_count_insert AFTER INSERT ON post
BEGIN
    INSERT INTO actor_count (actor_id, posts, all_posts, followers, following)
    VALUES (NEW.author_id,
        CASE WHEN NOT NEW.deleted AND NEW.visibility IN ('public', 'unlisted') THEN 1 ELSE 0 END,
        CASE WHEN NOT NEW.deleted THEN 1 ELSE 0 END, 0, 0)
    ON CONFLICT (actor_id) DO UPDATE SET posts = posts + excluded.posts, all_posts = all_posts + excluded.all_posts;
END;

CREATE TRIGGER post_count_delete AFTER DELETE ON post
BEGIN
    UPDATE actor_count SET
        posts = posts - CASE WHEN NOT OLD.deleted AND OLD.visibility IN ('public', 'unlisted') THEN 1 ELSE 0 END,
        all_posts = all_posts - CASE WHEN NOT OLD.deleted THEN 1 ELSE 0 END
    WHERE actor_id = OLD.author_id;
END;

CREATE TRIGGER post_count_update AFTER UPDATE OF author_id, deleted, visibility ON post
BEGIN
    UPDATE actor_count SET
        posts = posts - CASE WHEN NOT OLD.deleted AND OLD.visibility IN ('public', 'unlisted') THEN 1 ELSE 0 END,
        all_posts = all_posts - CASE WHEN NOT OLD.deleted THEN 1 ELSE 0 END
    WHERE actor_id = OLD.author_id;
    INSERT INTO actor_count (actor_id, posts, all_posts, followers, following)
    VALUES (NEW.author_id,
        CASE WHEN NOT NEW.deleted AND NEW.visibility IN ('public', 'unlisted') THEN 1 ELSE 0 END,
        CASE WHEN NOT NEW.deleted THEN 1 ELSE 0 END, 0, 0)
    ON CONFLICT (actor_id) DO UPDATE SET posts = posts + excluded.posts, all_posts = all_posts + excluded.all_posts;
END;

-- Follows: the followed actor's followers and the follower's following.
CREATE TRIGGER follow_count_insert AFTER INSERT ON follow
BEGIN
    INSERT INTO actor_count (actor_id, posts, all_posts, followers, following)
    VALUES (NEW.target_id, 0, 0, CASE WHEN NEW.accepted THEN 1 ELSE 0 END, 0)
    ON CONFLICT (actor_id) DO UPDATE SET followers = followers + excluded.followers;
    INSERT INTO actor_count (actor_id, posts, all_posts, followers, following)
    VALUES (NEW.follower_id, 0, 0, 0, CASE WHEN NEW.accepted THEN 1 ELSE 0 END)
    ON CONFLICT (actor_id) DO UPDATE SET following = following + excluded.following;
END;

CREATE TRIGGER follow_count_delete AFTER DELETE ON follow
BEGIN
    UPDATE actor_count SET followers = followers - CASE WHEN OLD.accepted THEN 1 ELSE 0 END
    WHERE actor_id = OLD.target_id;
    UPDATE actor_count SET following = following - CASE WHEN OLD.accepted THEN 1 ELSE 0 END
    WHERE actor_id = OLD.follower_id;
END;

CREATE TRIGGER follow_count_update AFTER UPDATE OF follower_id, target_id, accepted ON follow
BEGIN
    UPDATE actor_count SET followers = followers - CASE WHEN OLD.accepted THEN 1 ELSE 0 END
    WHERE actor_id = OLD.target_id;
    UPDATE actor_count SET following = following - CASE WHEN OLD.accepted THEN 1 ELSE 0 END
    WHERE actor_id = OLD.follower_id;
    INSERT INTO actor_count (actor_id, posts, all_posts, followers, following)
    VALUES (NEW.target_id, 0, 0, CASE WHEN NEW.accepted THEN 1 ELSE 0 END, 0)
    ON CONFLICT (actor_id) DO UPDATE SET followers = followers + excluded.followers;
    INSERT INTO actor_count (actor_id, posts, all_posts, followers, following)
    VALUES (NEW.follower_id, 0, 0, 0, CASE WHEN NEW.accepted THEN 1 ELSE 0 END)
    ON CONFLICT (actor_id) DO UPDATE SET following = following + excluded.following;
END;
