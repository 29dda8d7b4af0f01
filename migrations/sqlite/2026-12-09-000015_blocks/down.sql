DROP TABLE hidden_post;
DROP TABLE domain_block_personal;
DROP TABLE actor_mute;
DROP TABLE actor_block;
