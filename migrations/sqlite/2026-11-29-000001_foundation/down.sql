DROP TABLE invite;
DROP TABLE session;
DROP TABLE local_user;
DROP TABLE actor;
DROP TABLE instance;
DROP TABLE local_name;
DROP TABLE site;
