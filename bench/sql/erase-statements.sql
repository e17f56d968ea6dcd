-- The store's part of erasing one person (DuckDbEventStore.ErasePersonAsync), statement by statement, for the
-- identifier number {ident} of project {project}, in a transaction rolled back at the end: docs/benchmarks.md
-- section 8, "The store's part of an erasure at 100M". {ident} is idents.id (and the person's number) of the key.
SET memory_limit = '512MB';;
BEGIN;;
DELETE FROM events WHERE project = {project} AND ident IN ({ident});;
DELETE FROM exposures WHERE project = {project} AND ident IN ({ident});;
DELETE FROM metric_events WHERE project = {project} AND ident IN ({ident});;
DELETE FROM product_touches WHERE project = {project} AND ident IN ({ident});;
DELETE FROM attributes WHERE project = {project} AND ident IN ({ident});;
DELETE FROM exposed WHERE project = {project} AND person = {ident};;
DELETE FROM attributed WHERE project = {project} AND person = {ident};;
DELETE FROM idents WHERE project = {project} AND id IN ({ident});;
ROLLBACK
