-- Writes a row, then fails on its second statement: the row must not survive.
INSERT INTO visits (page) VALUES ('written by the failing migration');
INSERT INTO no_such_table VALUES (1);
