DROP TABLE invite;
DROP TABLE session;
DROP TABLE local_user;
DROP TABLE person;
DROP TABLE local_name;
DROP TABLE site;
