DROP TABLE calendar_feed;
DROP TABLE event_participant;
DROP TABLE event;
