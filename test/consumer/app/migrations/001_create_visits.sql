-- Every load of the page writes one row.
CREATE TABLE visits (id INTEGER PRIMARY KEY, page TEXT NOT NULL);
