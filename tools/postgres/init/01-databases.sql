-- Run once by the postgres image of docker-compose.yml, on an empty data directory. bin/patchbay creates the same
-- databases on a local server.
CREATE DATABASE patchbay_command;
CREATE DATABASE patchbay_query;
