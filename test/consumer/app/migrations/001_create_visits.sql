-- Every load of the page writes one row.
CREATE TABLE visits (id INTEGER PRIMARY KEY, page TEXT NOT NULL);
-- Each page's visits, counted in an interactive transaction.
CREATE TABLE pages (path TEXT PRIMARY KEY, visits INTEGER NOT NULL);
