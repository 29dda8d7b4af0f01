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

-- Adds to an actor's counts. Additions upsert (the row may not exist yet); removals only
-- update (a row being removed was counted, so its actor's row exists; an actor being deleted
-- has none, and must not get one).
CREATE FUNCTION actor_count_add(who BIGINT, d_posts BIGINT, d_all BIGINT, d_followers BIGINT, d_following BIGINT)
RETURNS void LANGUAGE plpgsql AS $$
BEGIN
    IF d_posts = 0 AND d_all = 0 AND d_followers = 0 AND d_following = 0 THEN
        RETURN;
    END IF;
    IF d_posts >= 0 AND d_all >= 0 AND d_followers >= 0 AND d_following >= 0 THEN
        INSERT INTO actor_count (actor_id, posts, all_posts, followers, following)
        VALUES (who, d_posts, d_all, d_followers, d_following)
        ON CONFLICT (actor_id) DO UPDATE SET
            posts = actor_count.posts + d_posts,
            all_posts = actor_count.all_posts + d_all,
            followers = actor_count.followers + d_followers,
            following = actor_count.following + d_following;
    ELSE
        UPDATE actor_count SET
            posts = posts + d_posts,
            all_posts = all_posts + d_all,
            followers = followers + d_followers,
            following = following + d_following
        WHERE actor_id = who;
    END IF;
END;
$$;

CREATE FUNCTION post_count() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    IF TG_OP IN ('DELETE', 'UPDATE') THEN
        PERFORM actor_count_add(OLD.author_id,
            -(CASE WHEN NOT OLD.deleted AND OLD.visibility IN ('public', 'unlisted') THEN 1 ELSE 0 END),
            -(CASE WHEN NOT OLD.deleted THEN 1 ELSE 0 END), 0, 0);
    END IF;
    IF TG_OP IN ('INSERT', 'UPDATE') THEN
        PERFORM actor_count_add(NEW.author_id,
            CASE WHEN NOT NEW.deleted AND NEW.visibility IN ('public', 'unlisted') THEN 1 ELSE 0 END,
            CASE WHEN NOT NEW.deleted THEN 1 ELSE 0 END, 0, 0);
    END IF;
    RETURN NULL;
END;
$$;

CREATE TRIGGER post_count_change AFTER INSERT OR DELETE ON post FOR EACH ROW EXECUTE FUNCTION post_count();
CREATE TRIGGER post_count_update AFTER UPDATE OF author_id, deleted, visibility ON post
    FOR EACH ROW EXECUTE FUNCTION post_count();

-- Follows: the followed actor's followers and the follower's following, the lower actor id
-- first, so that two opposite follows in concurrent transactions lock in the same order.
CREATE FUNCTION follow_count_pair(follower BIGINT, target BIGINT, d BIGINT) RETURNS void LANGUAGE plpgsql AS $$
BEGIN
    IF follower = target THEN
        PERFORM actor_count_add(target, 0, 0, d, d);
    ELSIF target < follower THEN
        PERFORM actor_count_add(target, 0, 0, d, 0);
        PERFORM actor_count_add(follower, 0, 0, 0, d);
    ELSE
        PERFORM actor_count_add(follower, 0, 0, 0, d);
        PERFORM actor_count_add(target, 0, 0, d, 0);
    END IF;
END;
$$;

CREATE FUNCTION follow_count() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    IF TG_OP IN ('DELETE', 'UPDATE') AND OLD.accepted THEN
        PERFORM follow_count_pair(OLD.follower_id, OLD.target_id, -1);
    END IF;
    IF TG_OP IN ('INSERT', 'UPDATE') AND NEW.accepted THEN
        PERFORM follow_count_pair(NEW.follower_id, NEW.target_id, 1);
    END IF;
    RETURN NULL;
END;
$$;

CREATE TRIGGER follow_count_change AFTER INSERT OR DELETE ON follow FOR EACH ROW EXECUTE FUNCTION follow_count();
CREATE TRIGGER follow_count_update AFTER UPDATE OF follower_id, target_id, accepted ON follow
    FOR EACH ROW EXECUTE FUNCTION follow_count();
