CREATE INDEX visits_by_page ON visits (page);
