DROP TABLE event_participant;
DROP TABLE event;
