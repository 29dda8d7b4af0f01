DROP TABLE report_note;
DROP TABLE report_post;
DROP TABLE report;
