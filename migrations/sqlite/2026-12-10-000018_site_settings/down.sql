DROP TABLE site_setting;
